using Dapper;

namespace CambApi.Fleet;

/// <summary>
/// The store's write side for files — the source of truth for what has been paid for. Every step that matters is one
/// conditional statement: the claim to upload bumps the attempt (a fencing token) and only that attempt may write the
/// task id; polls, results and downloads act only in the state they expect. Engines deliver jobs at least once
/// (HangfireIO/Hangfire#1305); these rows make the paid call happen once.
/// </summary>
/// <remarks>
/// Hand-written SQL through Dapper: small tables, statements that must be single conditional updates, and two providers —
/// an ORM would hide exactly the conditions this class exists for.
/// </remarks>
internal sealed class FleetFiles(FleetDatabase database, TimeProvider time)
{
    private const string Columns = FleetSql.FileColumns;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    // ----- submitting and admitting -----

    /// <summary>Registers each content once; returns how many were new (the rest were already known).</summary>
    public Task<int> SubmitAsync(IReadOnlyList<NewFile> files, CancellationToken cancellationToken) =>
        database.InTransactionAsync((connection, transaction) =>
        {
            var now = Now;
            return connection.ExecuteAsync(
                "INSERT INTO camb_fleet_files (sha256, input_path, file_name, out_dir, output_name, size_bytes, audio_seconds, state, attempt, polls, submitted_at, updated_at) " +
                "VALUES (@Sha256, @InputPath, @FileName, @OutDir, @OutputName, @SizeBytes, @AudioSeconds, 'new', 0, 0, @Now, @Now) ON CONFLICT (sha256) DO NOTHING",
                files.Select(f => new { f.Sha256, f.InputPath, f.FileName, f.OutDir, f.OutputName, f.SizeBytes, f.AudioSeconds, Now = now }), transaction);
        }, holdGate: false, cancellationToken);

    /// <summary>
    /// Admits the oldest new files while the fleet has room at the vendor (the gate's limit, less what is there) and is not
    /// paused: only admitted files become jobs, so a catalogue of 100,000 is not 100,000 jobs.
    /// </summary>
    public Task<IReadOnlyList<FleetFile>> AdmitAsync(CancellationToken cancellationToken) =>
        database.InTransactionAsync<IReadOnlyList<FleetFile>>(async (connection, transaction) =>
        {
            var now = Now;
            var gate = await connection.QuerySingleAsync<GateRow>("SELECT " + FleetSql.GateColumns + " FROM camb_fleet_gate WHERE id = 1", transaction: transaction);
            if (gate.PausedUntil > now)
            {
                return [];
            }

            var there = await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM camb_fleet_files WHERE state IN {FleetSql.AtTheVendor}", transaction: transaction);
            var room = (long)Math.Floor(gate.Limit) - there;
            if (room <= 0)
            {
                return [];
            }

            var admitted = await FleetDatabase.FilesAsync(connection, transaction,
                "UPDATE camb_fleet_files SET state = 'admitted', next_step_at = @now, updated_at = @now WHERE sha256 IN " +
                "(SELECT sha256 FROM camb_fleet_files WHERE state = 'new' ORDER BY submitted_at, sha256 LIMIT @room) RETURNING " + Columns,
                new { now, room });
            return admitted.OrderBy(f => f.SubmittedAt).ThenBy(f => f.Sha256, StringComparer.Ordinal).ToList(); // RETURNING keeps no order
        }, holdGate: true, cancellationToken);

    // ----- the upload: claim, checkpoint, or what no one can know -----

    /// <summary>
    /// The only way to an upload: takes an admitted file for <paramref name="owner"/>, bumping the attempt (the fencing
    /// token). Null when it is not admitted any more (another worker took it, or a person released it).
    /// </summary>
    public Task<FleetFile?> ClaimUploadAsync(string sha256, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        database.SingleFileAsync(
            "UPDATE camb_fleet_files SET state = 'uploading', attempt = attempt + 1, owner = @owner, lease_until = @leaseUntil, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = 'admitted' RETURNING " + Columns,
            new { sha256, owner, leaseUntil = Now + (long)lease.TotalMilliseconds, now = Now }, cancellationToken);

    /// <summary>Keeps a claim alive while its step runs; false when the claim was lost (its attempt or owner changed).</summary>
    public async Task<bool> RenewLeaseAsync(string sha256, long attempt, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE camb_fleet_files SET lease_until = @leaseUntil WHERE sha256 = @sha256 AND attempt = @attempt AND owner = @owner AND state IN ('uploading', 'ready')",
            new { sha256, attempt, owner, leaseUntil = Now + (long)lease.TotalMilliseconds }, cancellationToken) == 1;

    /// <summary>
    /// The upload's checkpoint: the task id, written only while <paramref name="attempt"/> still holds the claim. False means a
    /// person released the file meanwhile (it was uncertain): the task is noted, not adopted.
    /// </summary>
    public async Task<bool> RecordTaskAsync(string sha256, long attempt, string taskId, long nextStepAt, CancellationToken cancellationToken)
    {
        var recorded = await database.ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'processing', task_id = @taskId, uploaded_at = @now, owner = NULL, lease_until = NULL, " +
            "next_step_at = @nextStepAt, error_code = NULL, last_error = NULL, updated_at = @now WHERE sha256 = @sha256 AND attempt = @attempt AND state = 'uploading'",
            new { sha256, attempt, taskId, nextStepAt, now = Now }, cancellationToken) == 1;
        if (!recorded)
        {
            await database.ExecuteAsync("UPDATE camb_fleet_files SET last_error = @note, updated_at = @now WHERE sha256 = @sha256",
                new { sha256, now = Now, note = $"an earlier attempt's upload finished late and created task {taskId}; it was not adopted (the file had been released)" },
                cancellationToken);
        }

        return recorded;
    }

    /// <summary>The upload certainly created no task (refused, or never sent): back to new, to be admitted again.</summary>
    public Task<int> ReturnToNewAsync(string sha256, long attempt, string code, string message, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'new', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = @now " +
            "WHERE sha256 = @sha256 AND attempt = @attempt AND state = 'uploading'",
            new { sha256, attempt, code, message, now = Now }, cancellationToken);

    /// <summary>The upload may or may not have created a task, and no task id came back: a person decides.</summary>
    public Task<int> MarkUncertainAsync(string sha256, long attempt, string code, string message, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'uncertain', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = @now " +
            "WHERE sha256 = @sha256 AND attempt = @attempt AND state = 'uploading'",
            new { sha256, attempt, code, message, now = Now }, cancellationToken);

    /// <summary>The service refused the upload (no task was created): failed, written only by the attempt that holds the claim.</summary>
    public Task<int> MarkUploadFailedAsync(string sha256, long attempt, string code, string message, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'failed', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = @now " +
            "WHERE sha256 = @sha256 AND attempt = @attempt AND state = 'uploading'",
            new { sha256, attempt, code, message, now = Now }, cancellationToken);

    /// <summary>Uploads whose worker stopped renewing its claim (died mid-upload): uncertain, since no one can know if it was charged.</summary>
    public Task<IReadOnlyList<FleetFile>> ExpireUploadsAsync(CancellationToken cancellationToken) =>
        database.FilesAsync(
            "UPDATE camb_fleet_files SET state = 'uncertain', owner = NULL, lease_until = NULL, error_code = @code, " +
            "last_error = @message, updated_at = @now WHERE state = 'uploading' AND lease_until < @now RETURNING " + Columns,
            new { now = Now, code = FleetReasons.UploadInterrupted, message = FleetReasons.UploadInterruptedReason }, cancellationToken);

    // ----- waiting, results, downloads -----

    /// <summary>
    /// One more status read for a processing file, and when the next is due — written only by the step that was due
    /// (<paramref name="wasDueAt"/>), so a duplicated job ends its chain instead of doubling the polls. 1 when written.
    /// </summary>
    public Task<int> RecordPollAsync(string sha256, long? wasDueAt, long nextStepAt, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "UPDATE camb_fleet_files SET polls = polls + 1, next_step_at = @nextStepAt, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = 'processing' AND (next_step_at = @wasDueAt OR (next_step_at IS NULL AND @wasDueAt IS NULL))",
            new { sha256, wasDueAt, nextStepAt, now = Now }, cancellationToken);

    /// <summary>A step that could not be done now (a pause, a busy service): due again later, no status read. 1 when written.</summary>
    public Task<int> PostponeAsync(string sha256, long? wasDueAt, long nextStepAt, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "UPDATE camb_fleet_files SET next_step_at = @nextStepAt, updated_at = @now WHERE sha256 = @sha256 AND state IN ('admitted', 'processing', 'ready') " +
            "AND (next_step_at = @wasDueAt OR (next_step_at IS NULL AND @wasDueAt IS NULL))",
            new { sha256, wasDueAt, nextStepAt, now = Now }, cancellationToken);

    /// <summary>The run's checkpoint: processing → ready with the run id; from here the file is only downloaded.</summary>
    public async Task<bool> RecordRunAsync(string sha256, long runId, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'ready', run_id = @runId, processed_at = @now, polls = polls + 1, next_step_at = @now, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = 'processing'",
            new { sha256, runId, now = Now }, cancellationToken) == 1;

    /// <summary>Takes a ready file to download, unless another worker's claim on it is still alive.</summary>
    public Task<FleetFile?> ClaimDownloadAsync(string sha256, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        database.SingleFileAsync(
            "UPDATE camb_fleet_files SET owner = @owner, lease_until = @leaseUntil, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = 'ready' AND (owner IS NULL OR lease_until < @now) RETURNING " + Columns,
            new { sha256, owner, leaseUntil = Now + (long)lease.TotalMilliseconds, now = Now }, cancellationToken);

    /// <summary>A track landed whole: recorded at once, so a later attempt may replace what this one wrote (and nothing else).</summary>
    public Task<int> RecordTrackAsync(string sha256, SeparationTrack track, string path, CancellationToken cancellationToken) =>
        database.ExecuteAsync($"UPDATE camb_fleet_files SET {(track == SeparationTrack.Foreground ? "foreground" : "background")} = @path, updated_at = @now WHERE sha256 = @sha256",
            new { sha256, path, now = Now }, cancellationToken);

    public Task<int> MarkDoneAsync(string sha256, string owner, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'done', done_at = @now, owner = NULL, lease_until = NULL, error_code = NULL, last_error = NULL, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = 'ready' AND owner = @owner",
            new { sha256, owner, now = Now }, cancellationToken);

    /// <summary>Gives a ready file back (a worker stopping): another worker downloads it now.</summary>
    public Task<int> HandBackAsync(string sha256, string owner, CancellationToken cancellationToken) =>
        database.ExecuteAsync("UPDATE camb_fleet_files SET owner = NULL, lease_until = NULL, next_step_at = @now, updated_at = @now WHERE sha256 = @sha256 AND owner = @owner",
            new { sha256, owner, now = Now }, cancellationToken);

    /// <summary>The service refused the file or the separation failed: it stays failed, with the reason, until released.</summary>
    public Task<int> MarkFailedAsync(string sha256, FleetFileState from, string code, string message, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'failed', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = @now " +
            "WHERE sha256 = @sha256 AND state = @from",
            new { sha256, from = FleetSql.Text(from), code, message, now = Now }, cancellationToken);

    /// <summary>
    /// A person's decision: uncertain (and failed) files go back to new and will be uploaded again — for an uncertain one, the
    /// vendor may charge twice. <paramref name="sha256Prefix"/> null releases every uncertain file.
    /// </summary>
    /// <returns>The released files as they were before (their state says whether they were uncertain or failed).</returns>
    public Task<IReadOnlyList<FleetFile>> ReleaseAsync(string? sha256Prefix, CancellationToken cancellationToken) =>
        database.InTransactionAsync<IReadOnlyList<FleetFile>>(async (connection, transaction) =>
        {
            var which = sha256Prefix is null ? "state = 'uncertain'" : "state IN ('uncertain', 'failed') AND sha256 LIKE @prefix";
            var parameters = new { now = Now, prefix = sha256Prefix + "%" };
            var before = await FleetDatabase.FilesAsync(connection, transaction, $"SELECT {Columns} FROM camb_fleet_files WHERE {which} ORDER BY submitted_at", parameters);
            await connection.ExecuteAsync(
                "UPDATE camb_fleet_files SET state = 'new', owner = NULL, lease_until = NULL, task_id = NULL, run_id = NULL, error_code = NULL, last_error = NULL, " +
                $"updated_at = @now WHERE {which}", parameters, transaction);
            return before;
        }, holdGate: true, cancellationToken);

    /// <summary>
    /// Files whose job is overdue past <paramref name="grace"/> with no live claim (its job was lost: a worker died, an
    /// in-memory queue went with its process): each is handed to one caller, who enqueues it again.
    /// </summary>
    public Task<IReadOnlyList<FleetFile>> TakeOverdueAsync(TimeSpan grace, int max, CancellationToken cancellationToken) =>
        database.FilesAsync(
            "UPDATE camb_fleet_files SET next_step_at = @now, updated_at = @now WHERE sha256 IN (SELECT sha256 FROM camb_fleet_files " +
            "WHERE state IN ('admitted', 'processing', 'ready') AND next_step_at < @due AND (owner IS NULL OR lease_until < @now) ORDER BY next_step_at LIMIT @max) RETURNING " + Columns,
            new { now = Now, due = Now - (long)grace.TotalMilliseconds, max }, cancellationToken);
}
