namespace CambApi.Fleet;

/// <summary>
/// The tables, in SQL both PostgreSQL and SQLite take: integers are BIGINT (SQLite's INTEGER, so both providers read
/// 64-bit values), times Unix milliseconds, states lowercase text. Version 1; a change adds statements and a version.
/// </summary>
internal static class FleetSchema
{
    public static readonly string[] Create =
    [
        """
        CREATE TABLE camb_fleet_files (
            sha256 TEXT PRIMARY KEY,
            input_path TEXT NOT NULL,
            file_name TEXT NOT NULL,
            out_dir TEXT NOT NULL,
            output_name TEXT NOT NULL,
            size_bytes BIGINT NOT NULL,
            audio_seconds DOUBLE PRECISION NULL,
            state TEXT NOT NULL,
            attempt BIGINT NOT NULL DEFAULT 0,
            owner TEXT NULL,
            lease_until BIGINT NULL,
            task_id TEXT NULL,
            run_id BIGINT NULL,
            foreground TEXT NULL,
            background TEXT NULL,
            error_code TEXT NULL,
            last_error TEXT NULL,
            polls BIGINT NOT NULL DEFAULT 0,
            submitted_at BIGINT NOT NULL,
            uploaded_at BIGINT NULL,
            processed_at BIGINT NULL,
            done_at BIGINT NULL,
            next_step_at BIGINT NULL,
            updated_at BIGINT NOT NULL)
        """,
        "CREATE INDEX camb_fleet_files_state ON camb_fleet_files (state, submitted_at)",
        "CREATE INDEX camb_fleet_files_next_step ON camb_fleet_files (state, next_step_at)",
        """
        CREATE TABLE camb_fleet_gate (
            id BIGINT PRIMARY KEY,
            fleet_limit DOUBLE PRECISION NOT NULL,
            max_limit BIGINT NOT NULL,
            paused_until BIGINT NOT NULL,
            throttled BIGINT NOT NULL)
        """,
    ];
}
