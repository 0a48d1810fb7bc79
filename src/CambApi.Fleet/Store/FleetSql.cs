namespace CambApi.Fleet;

/// <summary>
/// The fleet's one SQL dialect, for PostgreSQL and SQLite alike: the column lists every role reads, the states they group,
/// and the rows Dapper maps. Times are Unix milliseconds (bigint) in both databases, so the SQL is the same.
/// </summary>
internal static class FleetSql
{
    public const string FileColumns =
        "sha256 AS Sha256, input_path AS InputPath, file_name AS FileName, out_dir AS OutDir, output_name AS OutputName, size_bytes AS SizeBytes, " +
        "audio_seconds AS AudioSeconds, state AS State, attempt AS Attempt, owner AS Owner, lease_until AS LeaseUntil, task_id AS TaskId, run_id AS RunId, " +
        "foreground AS Foreground, background AS Background, error_code AS ErrorCode, last_error AS LastError, polls AS Polls, submitted_at AS SubmittedAt, " +
        "uploaded_at AS UploadedAt, processed_at AS ProcessedAt, done_at AS DoneAt, next_step_at AS NextStepAt";

    // "Limit" quoted: LIMIT is a keyword in SQLite. The pause and the ceiling's age are read relative to the database's clock
    // ({now}), so a worker compares them with nothing of its own.
    public const string GateColumns =
        "fleet_limit AS \"Limit\", max_limit AS MaxLimit, paused_until AS PausedUntil, throttled AS Throttled, known_ceiling AS KnownCeiling, " +
        "CASE WHEN paused_until > {now} THEN paused_until - {now} ELSE 0 END AS PausedForMs, " +
        "CASE WHEN ceiling_seen_at IS NULL THEN NULL ELSE {now} - ceiling_seen_at END AS CeilingAgeMs";

    /// <summary>The gate's row, read in the statement that needs it.</summary>
    public const string ReadGate = "SELECT " + GateColumns + " FROM camb_fleet_gate WHERE id = 1";

    /// <summary>States whose files hold a place at the vendor (the limit counts them).</summary>
    public const string AtTheVendor = "('admitted', 'uploading', 'processing')";

    /// <summary>States of files with work left to do.</summary>
    public const string Unfinished = "('new', 'admitted', 'uploading', 'processing', 'ready')";

    public static string Text(FleetFileState state) => state.ToString().ToLowerInvariant();

    public static FleetFileState Parse(string state) => Enum.Parse<FleetFileState>(state, ignoreCase: true);
}
