namespace CambApi.Tests;

/// <summary>
/// A fleet's tables as a month of work leaves them, for the query-plan test and the benchmark (PostgreSQL): most files
/// done, a few in every other state, each with its attempt, the counts and minutes the triggers would have kept — written
/// in a few set-based statements (the triggers off meanwhile), then analysed, so the planner sees the real proportions.
/// </summary>
internal static class FleetSeed
{
    /// <summary>The statements that fill an empty fleet database with <paramref name="rows"/> files ending at <paramref name="nowMs"/>.</summary>
    public static IReadOnlyList<string> Statements(int rows, long nowMs)
    {
        var start = nowMs - (rows * 100L) - 600_000;
        return
        [
            "ALTER TABLE camb_fleet_files DISABLE TRIGGER camb_fleet_files_track",
            $"""
            INSERT INTO camb_fleet_files (sha256, input_path, file_name, out_dir, output_name, size_bytes, audio_seconds, state, attempt, owner, lease_until,
                task_id, run_id, error_code, last_error, polls, submitted_at, uploaded_at, processed_at, done_at, next_step_at, updated_at)
            SELECT md5(i::text) || md5((-i)::text), '/in/' || i || '.wav', i || '.wav', '/out/' || (i / 1000), 'take' || i, 320000, 60,
                s.state, CASE WHEN s.state = 'new' THEN 0 ELSE 1 END,
                CASE WHEN s.state IN ('uploading', 'ready') THEN 'seed-worker' END,
                CASE WHEN s.state IN ('uploading', 'ready') THEN {nowMs} + 30000 END,
                CASE WHEN s.state IN ('processing', 'ready', 'done', 'failed') THEN 'task-' || i END,
                CASE WHEN s.state IN ('ready', 'done') THEN i END,
                CASE WHEN s.state = 'failed' THEN 'task_failed' WHEN s.state = 'uncertain' THEN 'upload_interrupted' END,
                CASE WHEN s.state IN ('failed', 'uncertain') THEN 'seeded' END,
                CASE WHEN s.state = 'new' THEN 0 ELSE 3 END,
                {start} + i * 100,
                CASE WHEN s.state IN ('processing', 'ready', 'done', 'failed') THEN {start} + i * 100 + 5000 END,
                CASE WHEN s.state IN ('ready', 'done') THEN {start} + i * 100 + 65000 END,
                CASE WHEN s.state = 'done' THEN {start} + i * 100 + 70000 END,
                CASE WHEN s.state IN ('admitted', 'processing', 'ready') THEN {nowMs} + (i % 600) * 1000 END,
                {start} + i * 100 + 70000
            FROM generate_series(1, {rows}) AS i
            CROSS JOIN LATERAL (SELECT CASE
                WHEN i % 1000 < 940 THEN 'done' WHEN i % 1000 < 960 THEN 'new' WHEN i % 1000 < 962 THEN 'admitted' WHEN i % 1000 < 964 THEN 'uploading'
                WHEN i % 1000 < 980 THEN 'processing' WHEN i % 1000 < 985 THEN 'ready' WHEN i % 1000 < 995 THEN 'failed' ELSE 'uncertain' END AS state) AS s
            """,
            "INSERT INTO camb_fleet_attempts (sha256, attempt, owner, started_at, task_id, outcome) " +
            "SELECT sha256, 1, 'seed-worker', submitted_at, task_id, CASE WHEN task_id IS NOT NULL THEN 'task' END FROM camb_fleet_files WHERE attempt = 1",
            "DELETE FROM camb_fleet_counts",
            "INSERT INTO camb_fleet_counts (state, reason, files) SELECT state, CASE WHEN state IN ('failed', 'uncertain') THEN COALESCE(error_code, 'unknown') ELSE '' END, COUNT(*) " +
            "FROM camb_fleet_files GROUP BY 1, 2",
            "INSERT INTO camb_fleet_minutes (minute, uploaded, processed, done) SELECT uploaded_at / 60000, COUNT(*), COUNT(processed_at), COUNT(done_at) " +
            "FROM camb_fleet_files WHERE uploaded_at IS NOT NULL GROUP BY 1 ON CONFLICT (minute) DO NOTHING",
            "ALTER TABLE camb_fleet_files ENABLE TRIGGER camb_fleet_files_track",
            "ANALYZE camb_fleet_files",
            "ANALYZE camb_fleet_attempts",
        ];
    }
}
