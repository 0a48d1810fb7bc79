namespace CambApi.Fleet;

/// <summary>
/// The tables, in SQL both PostgreSQL and SQLite take: integers are BIGINT (SQLite's INTEGER, so both providers read
/// 64-bit values), times Unix milliseconds of the database's clock, states lowercase text. Each version is a list of
/// statements applied in order to a database at the version before it, so a fleet upgrades in place.
/// </summary>
/// <remarks>
/// One SQL dialect for both stores, with one exception: the triggers that keep the counts, per-minute totals and attempts
/// (a database of a million files answers "how many in each state" from a few rows, not a scan). PostgreSQL writes a
/// trigger as a function; SQLite writes its body inline; the two are kept side by side below, equal in meaning.
/// </remarks>
internal static class FleetSchema
{
    /// <summary>The layout this version writes and reads. A database with a newer one is refused, untouched.</summary>
    public const int Version = 2;

    /// <summary>Version 1: the files, the gate.</summary>
    private static readonly string[] V1 =
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

    /// <summary>
    /// Version 2: an index behind every statement a worker runs often; counts by state and reason, and totals by minute,
    /// kept by triggers; each upload attempt's own record; the workers' heartbeats; what the gate has learned of the vendor.
    /// </summary>
    private static readonly string[] V2Common =
    [
        "CREATE INDEX camb_fleet_files_uploading ON camb_fleet_files (lease_until) WHERE state = 'uploading'",
        "CREATE INDEX camb_fleet_files_due ON camb_fleet_files (next_step_at) WHERE state IN ('admitted', 'processing', 'ready')",
        "CREATE INDEX camb_fleet_files_processed ON camb_fleet_files (processed_at) WHERE processed_at IS NOT NULL AND uploaded_at IS NOT NULL AND audio_seconds > 0",
        "CREATE INDEX camb_fleet_files_output ON camb_fleet_files (out_dir, output_name)",
        "CREATE INDEX camb_fleet_files_reason ON camb_fleet_files (state, error_code, submitted_at)",
        "CREATE INDEX camb_fleet_files_updated ON camb_fleet_files (updated_at)",
        "CREATE TABLE camb_fleet_counts (state TEXT NOT NULL, reason TEXT NOT NULL, files BIGINT NOT NULL, PRIMARY KEY (state, reason))",
        """
        CREATE TABLE camb_fleet_minutes (
            minute BIGINT PRIMARY KEY,
            uploaded BIGINT NOT NULL DEFAULT 0,
            processed BIGINT NOT NULL DEFAULT 0,
            done BIGINT NOT NULL DEFAULT 0,
            failed BIGINT NOT NULL DEFAULT 0,
            refused BIGINT NOT NULL DEFAULT 0)
        """,
        """
        CREATE TABLE camb_fleet_attempts (
            sha256 TEXT NOT NULL,
            attempt BIGINT NOT NULL,
            owner TEXT NULL,
            started_at BIGINT NOT NULL,
            task_id TEXT NULL,
            outcome TEXT NULL,
            note TEXT NULL,
            PRIMARY KEY (sha256, attempt))
        """,
        """
        CREATE TABLE camb_fleet_workers (
            name TEXT PRIMARY KEY,
            started_at BIGINT NOT NULL,
            seen_at BIGINT NOT NULL,
            stopped_at BIGINT NULL,
            line TEXT NULL)
        """,
        "ALTER TABLE camb_fleet_gate ADD COLUMN known_ceiling DOUBLE PRECISION NULL",
        "ALTER TABLE camb_fleet_files ADD COLUMN last_pending_at BIGINT NULL",
        "ALTER TABLE camb_fleet_gate ADD COLUMN ceiling_seen_at BIGINT NULL",
        // What the triggers would have counted, for a database that already holds files (an upgrade from version 1).
        """
        INSERT INTO camb_fleet_counts (state, reason, files)
        SELECT state, CASE WHEN state IN ('failed', 'uncertain') THEN COALESCE(error_code, 'unknown') ELSE '' END, COUNT(*)
        FROM camb_fleet_files GROUP BY state, CASE WHEN state IN ('failed', 'uncertain') THEN COALESCE(error_code, 'unknown') ELSE '' END
        """,
        """
        INSERT INTO camb_fleet_minutes (minute, done)
        SELECT done_at / 60000, COUNT(*) FROM camb_fleet_files WHERE done_at IS NOT NULL GROUP BY done_at / 60000
        """,
    ];

    /// <summary>A file's reason in the counts: its code when it waits for a person, nothing otherwise.</summary>
    private const string Reason = "CASE WHEN {0}.state IN ('failed', 'uncertain') THEN COALESCE({0}.error_code, 'unknown') ELSE '' END";

    private static string ReasonOf(string row) => Reason.Replace("{0}", row, StringComparison.Ordinal);

    private static readonly string[] V2Postgres =
    [
        $$"""
        CREATE FUNCTION camb_fleet_track() RETURNS trigger LANGUAGE plpgsql AS $body$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') AND (TG_OP = 'DELETE' OR OLD.state IS DISTINCT FROM NEW.state OR OLD.error_code IS DISTINCT FROM NEW.error_code) THEN
                UPDATE camb_fleet_counts SET files = files - 1 WHERE state = OLD.state AND reason = {{ReasonOf("OLD")}};
            END IF;
            IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND (OLD.state IS DISTINCT FROM NEW.state OR OLD.error_code IS DISTINCT FROM NEW.error_code)) THEN
                INSERT INTO camb_fleet_counts (state, reason, files) VALUES (NEW.state, {{ReasonOf("NEW")}}, 1)
                ON CONFLICT (state, reason) DO UPDATE SET files = camb_fleet_counts.files + 1;
            END IF;
            IF TG_OP = 'UPDATE' THEN
                IF NEW.uploaded_at IS NOT NULL AND OLD.uploaded_at IS DISTINCT FROM NEW.uploaded_at THEN
                    INSERT INTO camb_fleet_minutes (minute, uploaded) VALUES (NEW.uploaded_at / 60000, 1)
                    ON CONFLICT (minute) DO UPDATE SET uploaded = camb_fleet_minutes.uploaded + 1;
                END IF;
                IF NEW.processed_at IS NOT NULL AND OLD.processed_at IS DISTINCT FROM NEW.processed_at THEN
                    INSERT INTO camb_fleet_minutes (minute, processed) VALUES (NEW.processed_at / 60000, 1)
                    ON CONFLICT (minute) DO UPDATE SET processed = camb_fleet_minutes.processed + 1;
                END IF;
                IF NEW.done_at IS NOT NULL AND OLD.done_at IS DISTINCT FROM NEW.done_at THEN
                    INSERT INTO camb_fleet_minutes (minute, done) VALUES (NEW.done_at / 60000, 1)
                    ON CONFLICT (minute) DO UPDATE SET done = camb_fleet_minutes.done + 1;
                END IF;
                IF NEW.state = 'failed' AND OLD.state IS DISTINCT FROM 'failed' THEN
                    INSERT INTO camb_fleet_minutes (minute, failed) VALUES (NEW.updated_at / 60000, 1)
                    ON CONFLICT (minute) DO UPDATE SET failed = camb_fleet_minutes.failed + 1;
                END IF;
                IF NEW.attempt > OLD.attempt THEN
                    INSERT INTO camb_fleet_attempts (sha256, attempt, owner, started_at) VALUES (NEW.sha256, NEW.attempt, NEW.owner, NEW.updated_at)
                    ON CONFLICT (sha256, attempt) DO NOTHING;
                END IF;
            END IF;
            RETURN NULL;
        END
        $body$
        """,
        "CREATE TRIGGER camb_fleet_files_track AFTER INSERT OR UPDATE OR DELETE ON camb_fleet_files FOR EACH ROW EXECUTE FUNCTION camb_fleet_track()",
    ];

    private static readonly string[] V2Sqlite =
    [
        $"""
        CREATE TRIGGER camb_fleet_files_insert AFTER INSERT ON camb_fleet_files BEGIN
            INSERT INTO camb_fleet_counts (state, reason, files) VALUES (NEW.state, {ReasonOf("NEW")}, 1)
            ON CONFLICT (state, reason) DO UPDATE SET files = files + 1;
        END
        """,
        $"""
        CREATE TRIGGER camb_fleet_files_delete AFTER DELETE ON camb_fleet_files BEGIN
            UPDATE camb_fleet_counts SET files = files - 1 WHERE state = OLD.state AND reason = {ReasonOf("OLD")};
        END
        """,
        $"""
        CREATE TRIGGER camb_fleet_files_state AFTER UPDATE OF state, error_code ON camb_fleet_files
        WHEN OLD.state IS NOT NEW.state OR OLD.error_code IS NOT NEW.error_code BEGIN
            UPDATE camb_fleet_counts SET files = files - 1 WHERE state = OLD.state AND reason = {ReasonOf("OLD")};
            INSERT INTO camb_fleet_counts (state, reason, files) VALUES (NEW.state, {ReasonOf("NEW")}, 1)
            ON CONFLICT (state, reason) DO UPDATE SET files = files + 1;
        END
        """,
        """
        CREATE TRIGGER camb_fleet_files_uploaded AFTER UPDATE OF uploaded_at ON camb_fleet_files
        WHEN NEW.uploaded_at IS NOT NULL AND OLD.uploaded_at IS NOT NEW.uploaded_at BEGIN
            INSERT INTO camb_fleet_minutes (minute, uploaded) VALUES (NEW.uploaded_at / 60000, 1) ON CONFLICT (minute) DO UPDATE SET uploaded = uploaded + 1;
        END
        """,
        """
        CREATE TRIGGER camb_fleet_files_processed AFTER UPDATE OF processed_at ON camb_fleet_files
        WHEN NEW.processed_at IS NOT NULL AND OLD.processed_at IS NOT NEW.processed_at BEGIN
            INSERT INTO camb_fleet_minutes (minute, processed) VALUES (NEW.processed_at / 60000, 1) ON CONFLICT (minute) DO UPDATE SET processed = processed + 1;
        END
        """,
        """
        CREATE TRIGGER camb_fleet_files_done AFTER UPDATE OF done_at ON camb_fleet_files
        WHEN NEW.done_at IS NOT NULL AND OLD.done_at IS NOT NEW.done_at BEGIN
            INSERT INTO camb_fleet_minutes (minute, done) VALUES (NEW.done_at / 60000, 1) ON CONFLICT (minute) DO UPDATE SET done = done + 1;
        END
        """,
        """
        CREATE TRIGGER camb_fleet_files_failed AFTER UPDATE OF state ON camb_fleet_files
        WHEN NEW.state = 'failed' AND OLD.state IS NOT 'failed' BEGIN
            INSERT INTO camb_fleet_minutes (minute, failed) VALUES (NEW.updated_at / 60000, 1) ON CONFLICT (minute) DO UPDATE SET failed = failed + 1;
        END
        """,
        """
        CREATE TRIGGER camb_fleet_files_attempt AFTER UPDATE OF attempt ON camb_fleet_files
        WHEN NEW.attempt > OLD.attempt BEGIN
            INSERT INTO camb_fleet_attempts (sha256, attempt, owner, started_at) VALUES (NEW.sha256, NEW.attempt, NEW.owner, NEW.updated_at)
            ON CONFLICT (sha256, attempt) DO NOTHING;
        END
        """,
    ];

    /// <summary>The statements that bring a database from <paramref name="from"/> to <see cref="Version"/>.</summary>
    public static IEnumerable<string> Upgrade(int from, bool postgres)
    {
        if (from < 1)
        {
            foreach (var statement in V1)
            {
                yield return statement;
            }
        }

        if (from < 2)
        {
            foreach (var statement in V2Common.Concat(postgres ? V2Postgres : V2Sqlite))
            {
                yield return statement;
            }
        }
    }
}
