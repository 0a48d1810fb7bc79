using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CambApi.Fleet;

/// <summary>A file to register: its content hash and where it goes.</summary>
internal sealed record NewFile(string Sha256, string InputPath, string FileName, string OutDir, string OutputName, long SizeBytes, double? AudioSeconds);

/// <summary>The fleet-wide gate: the current limit on files at the vendor, its ceiling, and a pause every worker honours.</summary>
public sealed record FleetGateState(double Limit, long MaxLimit, long PausedUntil, long Throttled);

/// <summary>Counts for <c>camb fleet status</c> and the dashboard.</summary>
public sealed record FleetStatus(
    IReadOnlyDictionary<FleetFileState, int> Counts,
    int InFlight,
    FleetGateState Gate,
    IReadOnlyList<FleetFile> Uncertain,
    IReadOnlyDictionary<string, int> FailuresByReason);

/// <summary>
/// The checkpoint table — the source of truth for what has been paid for — on PostgreSQL (a fleet) or SQLite (one
/// machine), with the same SQL. Every step that matters is one conditional statement: the claim to upload bumps the
/// attempt (a fencing token) and only that attempt may write the task id; polls, results and downloads act only in the
/// state they expect. Engines deliver jobs at least once (HangfireIO/Hangfire#1305); these rows make the paid call happen
/// once.
/// </summary>
/// <remarks>
/// Hand-written SQL through Dapper: four small tables, statements that must be single conditional updates, and two
/// providers — an ORM would hide exactly the conditions this class exists for. Times are Unix milliseconds (bigint) in both
/// databases, so the SQL is the same.
/// </remarks>
internal sealed class FleetStore(FleetDatabase database, TimeProvider time)
{
    /// <summary>The layout this version writes and reads. A database with a newer one is refused, untouched.</summary>
    public const int SchemaVersion = 1;

    private const string Columns =
        "sha256 AS Sha256, input_path AS InputPath, file_name AS FileName, out_dir AS OutDir, output_name AS OutputName, size_bytes AS SizeBytes, " +
        "audio_seconds AS AudioSeconds, state AS State, attempt AS Attempt, owner AS Owner, lease_until AS LeaseUntil, task_id AS TaskId, run_id AS RunId, " +
        "foreground AS Foreground, background AS Background, error_code AS ErrorCode, last_error AS LastError, polls AS Polls, submitted_at AS SubmittedAt, " +
        "uploaded_at AS UploadedAt, processed_at AS ProcessedAt, done_at AS DoneAt, next_step_at AS NextStepAt";

    // "Limit" quoted: LIMIT is a keyword in SQLite.
    private const string GateColumns = "fleet_limit AS \"Limit\", max_limit AS MaxLimit, paused_until AS PausedUntil, throttled AS Throttled";

    /// <summary>States whose files hold a place at the vendor (the limit counts them).</summary>
    private const string AtTheVendor = "('admitted', 'uploading', 'processing')";

    private const string Unfinished = "('new', 'admitted', 'uploading', 'processing', 'ready')";

    public FleetDatabase Database => database;

    public long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    // ----- connection and schema -----

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = database.IsPostgres ? new NpgsqlConnection(database.ConnectionString) : new SqliteConnection(database.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (Exception e) when (e is DbException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            throw FleetDatabaseErrors.Describe(database, e);
        }
    }

    /// <summary>Runs <paramref name="work"/> in one transaction that holds the gate row (PostgreSQL) or the database (SQLite).</summary>
    private async Task<T> InGateTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken); // SQLite: BEGIN IMMEDIATE
        if (database.IsPostgres)
        {
            await connection.ExecuteAsync("SELECT id FROM camb_fleet_gate WHERE id = 1 FOR UPDATE", transaction: transaction);
        }

        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Creates the tables on first use; refuses a database laid out by a newer version, touching nothing.
    /// </summary>
    /// <exception cref="FleetDatabaseException">Unreachable, refused, or newer.</exception>
    public async Task EnsureSchemaAsync(int initialLimit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        if (!database.IsPostgres)
        {
            // Several worker threads (and processes) write the embedded file: WAL lets readers go on while one writes.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL");
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (database.IsPostgres)
        {
            // Workers starting together: one of them creates the tables, the others wait and find them.
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(7261001)", transaction: transaction);
        }

        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS camb_fleet_schema (version INTEGER NOT NULL)", transaction: transaction);
        var version = await connection.ExecuteScalarAsync<long?>("SELECT MAX(version) FROM camb_fleet_schema", transaction: transaction);
        if (version > SchemaVersion)
        {
            throw new FleetDatabaseException(
                $"{database.Where} was set up by a newer camb (fleet schema {version}; this camb knows {SchemaVersion}) — upgrade camb on this machine; nothing was changed.");
        }

        if (version is null)
        {
            foreach (var statement in FleetSchema.Create)
            {
                await connection.ExecuteAsync(statement, transaction: transaction);
            }

            await connection.ExecuteAsync("INSERT INTO camb_fleet_schema (version) VALUES (@SchemaVersion)", new { SchemaVersion }, transaction);
            await connection.ExecuteAsync(
                "INSERT INTO camb_fleet_gate (id, fleet_limit, max_limit, paused_until, throttled) VALUES (1, @initialLimit, @initialLimit, 0, 0)",
                new { initialLimit }, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    // ----- submitting and admitting -----

    /// <summary>Registers each content once; returns how many were new (the rest were already known).</summary>
    public async Task<int> SubmitAsync(IReadOnlyList<NewFile> files, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Now;
        var added = await connection.ExecuteAsync(
            "INSERT INTO camb_fleet_files (sha256, input_path, file_name, out_dir, output_name, size_bytes, audio_seconds, state, attempt, polls, submitted_at, updated_at) " +
            "VALUES (@Sha256, @InputPath, @FileName, @OutDir, @OutputName, @SizeBytes, @AudioSeconds, 'new', 0, 0, @Now, @Now) ON CONFLICT (sha256) DO NOTHING",
            files.Select(f => new { f.Sha256, f.InputPath, f.FileName, f.OutDir, f.OutputName, f.SizeBytes, f.AudioSeconds, Now = now }), transaction);
        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    /// <summary>
    /// Admits the oldest new files while the fleet has room at the vendor (the gate's limit, less what is there) and is not
    /// paused: only admitted files become jobs, so a catalogue of 100,000 is not 100,000 jobs.
    /// </summary>
    public Task<IReadOnlyList<FleetFile>> AdmitAsync(CancellationToken cancellationToken) =>
        InGateTransactionAsync<IReadOnlyList<FleetFile>>(async (connection, transaction) =>
        {
            var now = Now;
            var gate = await connection.QuerySingleAsync<GateRow>("SELECT " + GateColumns + " FROM camb_fleet_gate WHERE id = 1", transaction: transaction);
            if (gate.PausedUntil > now)
            {
                return [];
            }

            var there = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM camb_fleet_files WHERE state IN {AtTheVendor}", transaction: transaction);
            var room = (long)Math.Floor(gate.Limit) - there;
            if (room <= 0)
            {
                return [];
            }

            var admitted = await QueryFilesAsync(connection, transaction,
                "UPDATE camb_fleet_files SET state = 'admitted', next_step_at = @now, updated_at = @now WHERE sha256 IN " +
                "(SELECT sha256 FROM camb_fleet_files WHERE state = 'new' ORDER BY submitted_at, sha256 LIMIT @room) RETURNING " + Columns,
                new { now, room });
            return admitted.OrderBy(f => f.SubmittedAt).ThenBy(f => f.Sha256, StringComparer.Ordinal).ToList(); // RETURNING keeps no order
        }, cancellationToken);

    // ----- the upload: claim, checkpoint, or what no one can know -----

    /// <summary>
    /// The only way to an upload: takes an admitted file for <paramref name="owner"/>, bumping the attempt (the fencing
    /// token). Null when it is not admitted any more (another worker took it, or a person released it).
    /// </summary>
    public Task<FleetFile?> ClaimUploadAsync(string sha256, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        SingleAsync(
            "UPDATE camb_fleet_files SET state = 'uploading', attempt = attempt + 1, owner = @owner, lease_until = @leaseUntil, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = 'admitted' RETURNING " + Columns,
            new { sha256, owner, leaseUntil = Now + (long)lease.TotalMilliseconds, now = Now }, cancellationToken);

    /// <summary>Keeps a claim alive while its step runs; false when the claim was lost (its attempt or owner changed).</summary>
    public async Task<bool> RenewLeaseAsync(string sha256, long attempt, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE camb_fleet_files SET lease_until = @leaseUntil WHERE sha256 = @sha256 AND attempt = @attempt AND owner = @owner AND state IN ('uploading', 'ready')",
            new { sha256, attempt, owner, leaseUntil = Now + (long)lease.TotalMilliseconds }, cancellationToken) == 1;

    /// <summary>
    /// The upload's checkpoint: the task id, written only while <paramref name="attempt"/> still holds the claim. False means a
    /// person released the file meanwhile (it was uncertain): the task is noted, not adopted.
    /// </summary>
    public async Task<bool> RecordTaskAsync(string sha256, long attempt, string taskId, long nextStepAt, CancellationToken cancellationToken)
    {
        var recorded = await ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'processing', task_id = @taskId, uploaded_at = @now, owner = NULL, lease_until = NULL, " +
            "next_step_at = @nextStepAt, error_code = NULL, last_error = NULL, updated_at = @now WHERE sha256 = @sha256 AND attempt = @attempt AND state = 'uploading'",
            new { sha256, attempt, taskId, nextStepAt, now = Now }, cancellationToken) == 1;
        if (!recorded)
        {
            await ExecuteAsync("UPDATE camb_fleet_files SET last_error = @note, updated_at = @now WHERE sha256 = @sha256",
                new { sha256, now = Now, note = $"an earlier attempt's upload finished late and created task {taskId}; it was not adopted (the file had been released)" },
                cancellationToken);
        }

        return recorded;
    }

    /// <summary>The upload certainly created no task (refused, or never sent): back to new, to be admitted again.</summary>
    public Task<int> ReturnToNewAsync(string sha256, long attempt, string code, string message, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'new', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = @now " +
            "WHERE sha256 = @sha256 AND attempt = @attempt AND state = 'uploading'",
            new { sha256, attempt, code, message, now = Now }, cancellationToken);

    /// <summary>The upload may or may not have created a task, and no task id came back: a person decides.</summary>
    public Task<int> MarkUncertainAsync(string sha256, long attempt, string code, string message, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'uncertain', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = @now " +
            "WHERE sha256 = @sha256 AND attempt = @attempt AND state = 'uploading'",
            new { sha256, attempt, code, message, now = Now }, cancellationToken);

    /// <summary>Uploads whose worker stopped renewing its claim (died mid-upload): uncertain, since no one can know if it was charged.</summary>
    public Task<IReadOnlyList<FleetFile>> ExpireUploadsAsync(CancellationToken cancellationToken) =>
        QueryFilesAsync(
            "UPDATE camb_fleet_files SET state = 'uncertain', owner = NULL, lease_until = NULL, error_code = 'upload_interrupted', " +
            "last_error = @message, updated_at = @now WHERE state = 'uploading' AND lease_until < @now RETURNING " + Columns,
            new { now = Now, message = FleetMessages.UploadInterrupted }, cancellationToken);

    // ----- waiting, results, downloads -----

    /// <summary>
    /// One more status read for a processing file, and when the next is due — written only by the step that was due
    /// (<paramref name="wasDueAt"/>), so a duplicated job ends its chain instead of doubling the polls. 1 when written.
    /// </summary>
    public Task<int> RecordPollAsync(string sha256, long? wasDueAt, long nextStepAt, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE camb_fleet_files SET polls = polls + 1, next_step_at = @nextStepAt, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = 'processing' AND (next_step_at = @wasDueAt OR (next_step_at IS NULL AND @wasDueAt IS NULL))",
            new { sha256, wasDueAt, nextStepAt, now = Now }, cancellationToken);

    /// <summary>A step that could not be done now (a pause, a busy service): due again later, no status read. 1 when written.</summary>
    public Task<int> PostponeAsync(string sha256, long? wasDueAt, long nextStepAt, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE camb_fleet_files SET next_step_at = @nextStepAt, updated_at = @now WHERE sha256 = @sha256 AND state IN ('admitted', 'processing', 'ready') " +
            "AND (next_step_at = @wasDueAt OR (next_step_at IS NULL AND @wasDueAt IS NULL))",
            new { sha256, wasDueAt, nextStepAt, now = Now }, cancellationToken);

    /// <summary>The run's checkpoint: processing → ready with the run id; from here the file is only downloaded.</summary>
    public async Task<bool> RecordRunAsync(string sha256, long runId, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'ready', run_id = @runId, processed_at = @now, polls = polls + 1, next_step_at = @now, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = 'processing'",
            new { sha256, runId, now = Now }, cancellationToken) == 1;

    /// <summary>Takes a ready file to download, unless another worker's claim on it is still alive.</summary>
    public Task<FleetFile?> ClaimDownloadAsync(string sha256, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        SingleAsync(
            "UPDATE camb_fleet_files SET owner = @owner, lease_until = @leaseUntil, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = 'ready' AND (owner IS NULL OR lease_until < @now) RETURNING " + Columns,
            new { sha256, owner, leaseUntil = Now + (long)lease.TotalMilliseconds, now = Now }, cancellationToken);

    /// <summary>A track landed whole: recorded at once, so a later attempt may replace what this one wrote (and nothing else).</summary>
    public Task<int> RecordTrackAsync(string sha256, SeparationTrack track, string path, CancellationToken cancellationToken) =>
        ExecuteAsync($"UPDATE camb_fleet_files SET {(track == SeparationTrack.Foreground ? "foreground" : "background")} = @path, updated_at = @now WHERE sha256 = @sha256",
            new { sha256, path, now = Now }, cancellationToken);

    public Task<int> MarkDoneAsync(string sha256, string owner, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'done', done_at = @now, owner = NULL, lease_until = NULL, error_code = NULL, last_error = NULL, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = 'ready' AND owner = @owner",
            new { sha256, owner, now = Now }, cancellationToken);

    /// <summary>Gives a ready file back (a worker stopping): another worker downloads it now.</summary>
    public Task<int> HandBackAsync(string sha256, string owner, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE camb_fleet_files SET owner = NULL, lease_until = NULL, next_step_at = @now, updated_at = @now WHERE sha256 = @sha256 AND owner = @owner",
            new { sha256, owner, now = Now }, cancellationToken);

    /// <summary>The service refused the file or the separation failed: it stays failed, with the reason, until released.</summary>
    public Task<int> MarkFailedAsync(string sha256, FleetFileState from, string code, string message, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'failed', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = @from",
            new { sha256, from = Text(from), code, message, now = Now }, cancellationToken);

    /// <summary>The service refused the upload (no task was created): failed, written only by the attempt that holds the claim.</summary>
    public Task<int> MarkUploadFailedAsync(string sha256, long attempt, string code, string message, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'failed', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = @now " +
            "WHERE sha256 = @sha256 AND attempt = @attempt AND state = 'uploading'",
            new { sha256, attempt, code, message, now = Now }, cancellationToken);

    /// <summary>
    /// A person's decision: uncertain (and failed) files go back to new and will be uploaded again — for an uncertain one, the
    /// vendor may charge twice. <paramref name="sha256Prefix"/> null releases every uncertain file.
    /// </summary>
    /// <returns>The released files as they were before (their state says whether they were uncertain or failed).</returns>
    public Task<IReadOnlyList<FleetFile>> ReleaseAsync(string? sha256Prefix, CancellationToken cancellationToken) =>
        InGateTransactionAsync<IReadOnlyList<FleetFile>>(async (connection, transaction) =>
        {
            var which = sha256Prefix is null ? "state = 'uncertain'" : "state IN ('uncertain', 'failed') AND sha256 LIKE @prefix";
            var parameters = new { now = Now, prefix = sha256Prefix + "%" };
            var before = await QueryFilesAsync(connection, transaction, $"SELECT {Columns} FROM camb_fleet_files WHERE {which} ORDER BY submitted_at", parameters);
            await connection.ExecuteAsync(
                "UPDATE camb_fleet_files SET state = 'new', owner = NULL, lease_until = NULL, task_id = NULL, run_id = NULL, error_code = NULL, last_error = NULL, " +
                $"updated_at = @now WHERE {which}", parameters, transaction);
            return before;
        }, cancellationToken);

    /// <summary>
    /// Files whose job is overdue past <paramref name="grace"/> with no live claim (its job was lost: a worker died, an
    /// in-memory queue went with its process): each is handed to one caller, who enqueues it again.
    /// </summary>
    public Task<IReadOnlyList<FleetFile>> TakeOverdueAsync(TimeSpan grace, int max, CancellationToken cancellationToken) =>
        QueryFilesAsync(
            "UPDATE camb_fleet_files SET next_step_at = @now, updated_at = @now WHERE sha256 IN (SELECT sha256 FROM camb_fleet_files " +
            "WHERE state IN ('admitted', 'processing', 'ready') AND next_step_at < @due AND (owner IS NULL OR lease_until < @now) ORDER BY next_step_at LIMIT @max) RETURNING " + Columns,
            new { now = Now, due = Now - (long)grace.TotalMilliseconds, max }, cancellationToken);

    public Task<FleetFile?> GetAsync(string sha256, CancellationToken cancellationToken) =>
        SingleAsync($"SELECT {Columns} FROM camb_fleet_files WHERE sha256 = @sha256", new { sha256 }, cancellationToken);

    public Task<IReadOnlyList<FleetFile>> ListAsync(int max, CancellationToken cancellationToken) =>
        QueryFilesAsync($"SELECT {Columns} FROM camb_fleet_files ORDER BY submitted_at, sha256 LIMIT @max", new { max }, cancellationToken);

    /// <summary>Files not yet done, failed or uncertain, fleet-wide: zero means there is nothing left to do.</summary>
    public async Task<long> UnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM camb_fleet_files WHERE state IN {Unfinished}");
    }

    public async Task<FleetStatus> StatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var counts = (await connection.QueryAsync<(string State, long Count)>("SELECT state, COUNT(*) FROM camb_fleet_files GROUP BY state"))
            .ToDictionary(c => Parse(c.State), c => (int)c.Count);
        var gate = await connection.QuerySingleAsync<FleetGateState>(
            "SELECT " + GateColumns + " FROM camb_fleet_gate WHERE id = 1");
        var uncertain = (await connection.QueryAsync<FileRow>($"SELECT {Columns} FROM camb_fleet_files WHERE state = 'uncertain' ORDER BY submitted_at LIMIT 100"))
            .Select(r => r.ToFile()).ToList();
        var failures = (await connection.QueryAsync<(string Code, long Count)>(
                "SELECT COALESCE(error_code, 'unknown'), COUNT(*) FROM camb_fleet_files WHERE state = 'failed' GROUP BY COALESCE(error_code, 'unknown')"))
            .ToDictionary(f => f.Code, f => (int)f.Count);
        var inFlight = counts.Where(c => c.Key is FleetFileState.Admitted or FleetFileState.Uploading or FleetFileState.Processing).Sum(c => c.Value);
        return new FleetStatus(counts, inFlight, gate, uncertain, failures);
    }

    // ----- the gate -----

    public async Task<FleetGateState> GateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<FleetGateState>(
            "SELECT " + GateColumns + " FROM camb_fleet_gate WHERE id = 1");
    }

    /// <summary>
    /// The vendor said "too many" (429/503 with Retry-After): every worker pauses until then, and the limit is halved — once
    /// per pause, however many requests were refused in it (multiplicative decrease).
    /// </summary>
    public Task<FleetGateState> ThrottledAsync(TimeSpan retryAfter, CancellationToken cancellationToken) =>
        InGateTransactionAsync(async (connection, transaction) =>
        {
            var now = Now;
            var gate = await connection.QuerySingleAsync<GateRow>("SELECT " + GateColumns + " FROM camb_fleet_gate WHERE id = 1", transaction: transaction);
            var limit = gate.PausedUntil <= now ? GateRules.Decrease(gate.Limit) : gate.Limit;
            var until = Math.Max(gate.PausedUntil, now + (long)retryAfter.TotalMilliseconds);
            await connection.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = @limit, paused_until = @until, throttled = throttled + 1 WHERE id = 1",
                new { limit, until }, transaction);
            return new FleetGateState(limit, gate.MaxLimit, until, gate.Throttled + 1);
        }, cancellationToken);

    /// <summary>An upload was accepted: the limit grows (<see cref="GateRules.Increase"/>), up to the ceiling.</summary>
    public Task<double> AcceptedAsync(CancellationToken cancellationToken) =>
        InGateTransactionAsync(async (connection, transaction) =>
        {
            var gate = await connection.QuerySingleAsync<GateRow>("SELECT " + GateColumns + " FROM camb_fleet_gate WHERE id = 1", transaction: transaction);
            var limit = GateRules.Increase(gate.Limit, gate.MaxLimit);
            await connection.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = @limit WHERE id = 1", new { limit }, transaction);
            return limit;
        }, cancellationToken);

    /// <summary>Sets the fleet's ceiling on files at the vendor (and the limit, if it was above it).</summary>
    public Task<int> SetMaxLimitAsync(int maxLimit, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE camb_fleet_gate SET max_limit = @maxLimit, fleet_limit = CASE WHEN fleet_limit > @maxLimit THEN @maxLimit ELSE fleet_limit END WHERE id = 1",
            new { maxLimit }, cancellationToken);

    /// <summary>Seconds of processing per second of audio, over the last finished files that have both (null before three).</summary>
    public async Task<double?> ProcessingRateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rates = (await connection.QueryAsync<double>(
                "SELECT (processed_at - uploaded_at) / 1000.0 / audio_seconds FROM camb_fleet_files " +
                "WHERE processed_at IS NOT NULL AND uploaded_at IS NOT NULL AND audio_seconds > 0 ORDER BY processed_at DESC LIMIT 20"))
            .Order().ToList();
        return rates.Count < 3 ? null : rates[rates.Count / 2]; // the median: one outlier does not move the schedule
    }

    // ----- plumbing -----

    private async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    private async Task<FleetFile?> SingleAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<FileRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return row?.ToFile();
    }

    private async Task<IReadOnlyList<FleetFile>> QueryFilesAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await QueryFilesAsync(connection, null, sql, parameters);
    }

    private static async Task<IReadOnlyList<FleetFile>> QueryFilesAsync(DbConnection connection, DbTransaction? transaction, string sql, object parameters) =>
        (await connection.QueryAsync<FileRow>(sql, parameters, transaction)).Select(r => r.ToFile()).ToList();

    internal static string Text(FleetFileState state) => state.ToString().ToLowerInvariant();

    internal static FleetFileState Parse(string state) => Enum.Parse<FleetFileState>(state, ignoreCase: true);

    private sealed class GateRow
    {
        public double Limit { get; set; }

        public long MaxLimit { get; set; }

        public long PausedUntil { get; set; }

        public long Throttled { get; set; }
    }

    /// <summary>What Dapper reads (settable, lenient on integer widths across the two providers); <see cref="FleetFile"/> is what callers get.</summary>
    private sealed class FileRow
    {
        public string Sha256 { get; set; } = "";
        public string InputPath { get; set; } = "";
        public string FileName { get; set; } = "";
        public string OutDir { get; set; } = "";
        public string OutputName { get; set; } = "";
        public long SizeBytes { get; set; }
        public double? AudioSeconds { get; set; }
        public string State { get; set; } = "";
        public long Attempt { get; set; }
        public string? Owner { get; set; }
        public long? LeaseUntil { get; set; }
        public string? TaskId { get; set; }
        public long? RunId { get; set; }
        public string? Foreground { get; set; }
        public string? Background { get; set; }
        public string? ErrorCode { get; set; }
        public string? LastError { get; set; }
        public long Polls { get; set; }
        public long SubmittedAt { get; set; }
        public long? UploadedAt { get; set; }
        public long? ProcessedAt { get; set; }
        public long? DoneAt { get; set; }
        public long? NextStepAt { get; set; }

        public FleetFile ToFile() => new(Sha256, InputPath, FileName, OutDir, OutputName, SizeBytes, AudioSeconds, Parse(State), (int)Attempt, Owner, LeaseUntil,
            TaskId, RunId, Foreground, Background, ErrorCode, LastError, (int)Polls, SubmittedAt, UploadedAt, ProcessedAt, DoneAt, NextStepAt);
    }
}
