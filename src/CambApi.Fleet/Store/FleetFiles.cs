namespace CambApi.Fleet;

/// <summary>
/// The store's write side for files — the source of truth for what has been paid for. Every step that matters is one
/// conditional statement: the claim to upload bumps the attempt (a fencing token) and a task id is written only while
/// no newer claim exists; polls, results and downloads act only in the state they expect. Engines deliver jobs at least
/// once (HangfireIO/Hangfire#1305); these rows make the paid call happen once. Every time is the database's
/// (<c>{now}</c>), and every statement may run twice (the store tries again after a connection breaks), so each accepts
/// the row it would itself have written.
/// </summary>
/// <remarks>
/// Hand-written SQL through Dapper: small tables, statements that must be single conditional updates, and two providers —
/// an ORM would hide exactly the conditions this class exists for.
/// </remarks>
internal sealed class FleetFiles(FleetDatabase database)
{
    private const string Columns = FleetSql.FileColumns;

    /// <summary>The failures after which a task is dead at the service: a release uploads such a file again.</summary>
    private const string DeadTask = "('task_failed', 'payment_required', 'not_found')";

    // ----- submitting and admitting -----

    /// <summary>
    /// Registers each content once; returns how many were new (the rest were already known). A file whose track names
    /// another content already writes in the same folder (a row not failed) refuses the whole submission: that row's
    /// tracks would be replaced, or this one could never be written.
    /// </summary>
    /// <exception cref="ArgumentException">An output name another content owns there; nothing was registered.</exception>
    public Task<int> SubmitAsync(IReadOnlyList<NewFile> files, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async session =>
        {
            foreach (var file in files)
            {
                // One indexed look-up a file (out_dir, output_name): list parameters are spelled differently by the two providers.
                var owner = (await session.QueryAsync<(string Sha256, string FileName)>(
                    "SELECT sha256, file_name FROM camb_fleet_files WHERE out_dir = @OutDir AND output_name = @OutputName AND sha256 <> @Sha256 AND state <> 'failed' LIMIT 1",
                    file)).FirstOrDefault();
                if (owner.Sha256 is not null)
                {
                    throw new ArgumentException(
                        $"{file.FileName} would write {file.OutputName}.foreground/background in {file.OutDir}, which the fleet's {owner.FileName} (another content, {owner.Sha256[..Math.Min(12, owner.Sha256.Length)]}) " +
                        "already writes there; submit it to another output folder, or rename it — nothing was registered");
                }
            }

            var added = 0;
            foreach (var file in files)
            {
                added += await session.ExecuteAsync(
                    "INSERT INTO camb_fleet_files (sha256, input_path, file_name, out_dir, output_name, size_bytes, audio_seconds, state, attempt, polls, submitted_at, updated_at) " +
                    "VALUES (@Sha256, @InputPath, @FileName, @OutDir, @OutputName, @SizeBytes, @AudioSeconds, 'new', 0, 0, {now}, {now}) ON CONFLICT (sha256) DO NOTHING",
                    file);
            }

            return added;
        }, holdGate: false, cancellationToken);

    /// <summary>
    /// Admits the oldest new files while the fleet has room at the vendor (the gate's limit, less what is there) and is not
    /// paused: only admitted files become jobs, so a catalogue of 100,000 is not 100,000 jobs.
    /// </summary>
    public Task<IReadOnlyList<FleetFile>> AdmitAsync(CancellationToken cancellationToken) =>
        database.InTransactionAsync<IReadOnlyList<FleetFile>>(async session =>
        {
            var gate = await session.SingleAsync<GateRow>("SELECT " + FleetSql.GateColumns + " FROM camb_fleet_gate WHERE id = 1");
            if (gate.PausedForMs > 0)
            {
                return [];
            }

            var there = await session.ScalarAsync<long>($"SELECT COALESCE(SUM(files), 0) FROM camb_fleet_counts WHERE state IN {FleetSql.AtTheVendor}");
            var room = (long)Math.Floor(gate.Limit) - there;
            if (room <= 0)
            {
                return [];
            }

            var admitted = await session.FilesAsync(
                "UPDATE camb_fleet_files SET state = 'admitted', next_step_at = {now}, updated_at = {now} WHERE sha256 IN " +
                "(SELECT sha256 FROM camb_fleet_files WHERE state = 'new' ORDER BY submitted_at, sha256 LIMIT @room) RETURNING " + Columns,
                new { room });
            return admitted.OrderBy(f => f.SubmittedAt).ThenBy(f => f.Sha256, StringComparer.Ordinal).ToList(); // RETURNING keeps no order
        }, holdGate: true, cancellationToken);

    // ----- the upload: claim, checkpoint, or what no one can know -----

    /// <summary>
    /// The only way to an upload: takes an admitted file at <paramref name="attempt"/> for <paramref name="owner"/>, making
    /// it attempt + 1 (the fencing token). Null when it is not admitted any more (another worker took it, a person released
    /// it). A second run of this statement (the store retrying) finds the claim it made and returns it.
    /// </summary>
    public Task<FleetFile?> ClaimUploadAsync(string sha256, long attempt, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        database.SingleFileAsync(
            "UPDATE camb_fleet_files SET state = 'uploading', attempt = @next, owner = @owner, lease_until = {now} + @lease, updated_at = {now} " +
            "WHERE sha256 = @sha256 AND ((state = 'admitted' AND attempt = @attempt) OR (state = 'uploading' AND attempt = @next AND owner = @owner)) RETURNING " + Columns,
            new { sha256, attempt, next = attempt + 1, owner, lease = (long)lease.TotalMilliseconds }, cancellationToken);

    /// <summary>Keeps a claim alive while its step runs; false when the claim was lost (its attempt or owner changed).</summary>
    public async Task<bool> RenewLeaseAsync(string sha256, long attempt, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE camb_fleet_files SET lease_until = {now} + @lease WHERE sha256 = @sha256 AND attempt = @attempt AND owner = @owner AND state IN ('uploading', 'ready')",
            new { sha256, attempt, owner, lease = (long)lease.TotalMilliseconds }, cancellationToken) == 1;

    /// <summary>
    /// The upload's checkpoint: the task id, adopted whenever <paramref name="attempt"/> is still the file's latest — the
    /// claim may have expired (the file uncertain) or a person released it meanwhile, but no newer claim uploaded it, so
    /// this task is the file's one task and the file goes on to processing. An answer for an attempt that lost to a newer
    /// claim is noted on that attempt's own record, with what happened to it. The first poll is due after <paramref name="firstPoll"/>.
    /// </summary>
    public Task<RecordedTask> RecordTaskAsync(string sha256, long attempt, string taskId, TimeSpan firstPoll, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async session =>
        {
            var due = await session.ScalarAsync<long?>(
                "UPDATE camb_fleet_files SET state = 'processing', task_id = @taskId, uploaded_at = {now}, processed_at = NULL, last_pending_at = NULL, owner = NULL, lease_until = NULL, " +
                "next_step_at = {now} + @firstPoll, error_code = NULL, last_error = NULL, updated_at = {now} " +
                "WHERE sha256 = @sha256 AND attempt = @attempt AND state IN ('uploading', 'uncertain', 'new', 'admitted') RETURNING next_step_at",
                new { sha256, attempt, taskId, firstPoll = (long)firstPoll.TotalMilliseconds });
            if (due is not null)
            {
                await session.ExecuteAsync("UPDATE camb_fleet_attempts SET task_id = @taskId, outcome = 'task' WHERE sha256 = @sha256 AND attempt = @attempt",
                    new { sha256, attempt, taskId });
                return new RecordedTask(TaskRecorded.Adopted, due);
            }

            var row = await session.SingleFileAsync($"SELECT {Columns} FROM camb_fleet_files WHERE sha256 = @sha256", new { sha256 });
            if (row is { TaskId: { } known } && known == taskId)
            {
                return new RecordedTask(TaskRecorded.Adopted, null); // this very checkpoint, written by a try whose answer was lost: its step is under way
            }

            var outcome = await session.ScalarAsync<string?>("SELECT outcome FROM camb_fleet_attempts WHERE sha256 = @sha256 AND attempt = @attempt", new { sha256, attempt });
            var what = outcome switch
            {
                "expired" => "its claim had expired and a newer claim took the file",
                "released" => "a person had released the file and a newer claim took it",
                _ => "a newer claim had taken the file",
            };
            await session.ExecuteAsync(
                "INSERT INTO camb_fleet_attempts (sha256, attempt, owner, started_at) VALUES (@sha256, @attempt, NULL, {now}) ON CONFLICT (sha256, attempt) DO NOTHING",
                new { sha256, attempt });
            await session.ExecuteAsync(
                "UPDATE camb_fleet_attempts SET task_id = @taskId, outcome = 'late', note = @note WHERE sha256 = @sha256 AND attempt = @attempt",
                new { sha256, attempt, taskId, note = $"the upload answered late with task {taskId}: {what} (attempt {row?.Attempt}), so it was noted, not adopted" });
            return new RecordedTask(TaskRecorded.Noted, null);
        }, holdGate: false, cancellationToken);

    /// <summary>The upload certainly created no task (refused, or never sent): back to new, to wait for room again.</summary>
    public Task<int> ReturnToNewAsync(string sha256, long attempt, string code, string message, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async session =>
        {
            await session.ExecuteAsync("UPDATE camb_fleet_attempts SET outcome = 'not_sent' WHERE sha256 = @sha256 AND attempt = @attempt AND outcome IS NULL", new { sha256, attempt });
            return await session.ExecuteAsync(
                "UPDATE camb_fleet_files SET state = 'new', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = {now} " +
                "WHERE sha256 = @sha256 AND attempt = @attempt AND state IN ('uploading', 'admitted')",
                new { sha256, attempt, code, message });
        }, holdGate: false, cancellationToken);

    /// <summary>An admitted file this worker will not take after all (it is stopping, or cannot do this work): back in line.</summary>
    public Task<int> UnadmitAsync(string sha256, CancellationToken cancellationToken) =>
        database.ExecuteAsync("UPDATE camb_fleet_files SET state = 'new', updated_at = {now} WHERE sha256 = @sha256 AND state = 'admitted'", new { sha256 }, cancellationToken);

    /// <summary>The upload may or may not have created a task, and no task id came back: a person decides.</summary>
    public Task<int> MarkUncertainAsync(string sha256, long attempt, string code, string message, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async session =>
        {
            await session.ExecuteAsync("UPDATE camb_fleet_attempts SET outcome = @code WHERE sha256 = @sha256 AND attempt = @attempt AND outcome IS NULL", new { sha256, attempt, code });
            return await session.ExecuteAsync(
                "UPDATE camb_fleet_files SET state = 'uncertain', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = {now} " +
                "WHERE sha256 = @sha256 AND attempt = @attempt AND state = 'uploading'",
                new { sha256, attempt, code, message });
        }, holdGate: false, cancellationToken);

    /// <summary>The upload is refused for good (no task was created): failed, written only by the attempt that holds the claim.</summary>
    public Task<int> MarkUploadFailedAsync(string sha256, long attempt, string code, string message, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async session =>
        {
            await session.ExecuteAsync("UPDATE camb_fleet_attempts SET outcome = @code WHERE sha256 = @sha256 AND attempt = @attempt AND outcome IS NULL", new { sha256, attempt, code });
            return await session.ExecuteAsync(
                "UPDATE camb_fleet_files SET state = 'failed', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = {now} " +
                "WHERE sha256 = @sha256 AND attempt = @attempt AND state = 'uploading'",
                new { sha256, attempt, code, message });
        }, holdGate: false, cancellationToken);

    /// <summary>
    /// Uploads whose worker stopped renewing its claim — by the database's clock, so a worker whose own clock runs ahead
    /// declares nothing dead: uncertain, since no one can know whether it was charged. Its attempt is marked expired; a
    /// late answer for it is still adopted while no newer claim exists.
    /// </summary>
    public Task<IReadOnlyList<FleetFile>> ExpireUploadsAsync(CancellationToken cancellationToken) =>
        database.InTransactionAsync(async session =>
        {
            await session.ExecuteAsync(
                // A join, not "(sha256, attempt) IN (…)": PostgreSQL would hash the whole attempts table for it.
                "UPDATE camb_fleet_attempts SET outcome = 'expired' FROM camb_fleet_files AS f WHERE f.state = 'uploading' AND f.lease_until < {now} " +
                "AND camb_fleet_attempts.sha256 = f.sha256 AND camb_fleet_attempts.attempt = f.attempt AND camb_fleet_attempts.outcome IS NULL");
            return await session.FilesAsync(
                "UPDATE camb_fleet_files SET state = 'uncertain', owner = NULL, lease_until = NULL, error_code = @code, " +
                "last_error = @message, updated_at = {now} WHERE state = 'uploading' AND lease_until < {now} RETURNING " + Columns,
                new { code = FleetReasons.UploadInterrupted, message = FleetReasons.UploadInterruptedReason });
        }, holdGate: false, cancellationToken);

    // ----- waiting, results, downloads -----

    /// <summary>
    /// One more status read for a processing file, and the next due <paramref name="next"/> from now — written only by the
    /// step that was due (<paramref name="wasDueAt"/>), so a duplicated job ends its chain instead of doubling the polls.
    /// The due time written (null when another step had moved the row on).
    /// </summary>
    public Task<long?> RecordPollAsync(string sha256, long? wasDueAt, TimeSpan next, CancellationToken cancellationToken) =>
        database.ScalarAsync<long?>(
            "UPDATE camb_fleet_files SET polls = polls + 1, last_pending_at = {now}, next_step_at = {now} + @next, updated_at = {now} " +
            "WHERE sha256 = @sha256 AND state = 'processing' AND (next_step_at = @wasDueAt OR (next_step_at IS NULL AND @wasDueAt IS NULL)) RETURNING next_step_at",
            new { sha256, wasDueAt, next = (long)next.TotalMilliseconds }, cancellationToken);

    /// <summary>
    /// A step that could not be done now (a pause, a busy service): due again after <paramref name="after"/>, no status
    /// read. The due time written (null when another step had moved the row on).
    /// </summary>
    public Task<long?> PostponeAsync(string sha256, long? wasDueAt, TimeSpan after, CancellationToken cancellationToken) =>
        database.ScalarAsync<long?>(
            "UPDATE camb_fleet_files SET next_step_at = {now} + @after, updated_at = {now} WHERE sha256 = @sha256 AND state IN ('admitted', 'processing', 'ready') " +
            "AND (next_step_at = @wasDueAt OR (next_step_at IS NULL AND @wasDueAt IS NULL)) RETURNING next_step_at",
            new { sha256, wasDueAt, after = (long)Math.Max(0, after.TotalMilliseconds) }, cancellationToken);

    /// <summary>The run's checkpoint: processing → ready with the run id; from here the file is only downloaded.</summary>
    public async Task<bool> RecordRunAsync(string sha256, long runId, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'ready', run_id = @runId, processed_at = CASE WHEN state = 'processing' THEN {now} ELSE processed_at END, " +
            "polls = polls + 1, next_step_at = {now}, updated_at = {now} WHERE sha256 = @sha256 AND (state = 'processing' OR (state = 'ready' AND run_id = @runId))",
            new { sha256, runId }, cancellationToken) == 1;

    /// <summary>Takes a ready file to download, unless another worker's claim on it is still alive (by the database's clock).</summary>
    public Task<FleetFile?> ClaimDownloadAsync(string sha256, string owner, TimeSpan lease, CancellationToken cancellationToken) =>
        database.SingleFileAsync(
            "UPDATE camb_fleet_files SET owner = @owner, lease_until = {now} + @lease, updated_at = {now} " +
            "WHERE sha256 = @sha256 AND state = 'ready' AND (owner IS NULL OR owner = @owner OR lease_until < {now}) RETURNING " + Columns,
            new { sha256, owner, lease = (long)lease.TotalMilliseconds }, cancellationToken);

    /// <summary>A track landed whole: recorded at once, so a later attempt may replace what this one wrote (and nothing else).</summary>
    public Task<int> RecordTrackAsync(string sha256, SeparationTrack track, string path, CancellationToken cancellationToken) =>
        database.ExecuteAsync($"UPDATE camb_fleet_files SET {(track == SeparationTrack.Foreground ? "foreground" : "background")} = @path, updated_at = {{now}} WHERE sha256 = @sha256",
            new { sha256, path }, cancellationToken);

    public Task<int> MarkDoneAsync(string sha256, string owner, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'done', done_at = CASE WHEN state = 'ready' THEN {now} ELSE done_at END, owner = NULL, lease_until = NULL, " +
            "error_code = NULL, last_error = NULL, updated_at = {now} WHERE sha256 = @sha256 AND ((state = 'ready' AND owner = @owner) OR state = 'done')",
            new { sha256, owner }, cancellationToken);

    /// <summary>Gives a ready file back (a worker stopping, or a download that failed for now): another worker may take it from <paramref name="after"/> on.</summary>
    public Task<long?> HandBackAsync(string sha256, string owner, TimeSpan after, CancellationToken cancellationToken) =>
        database.ScalarAsync<long?>(
            "UPDATE camb_fleet_files SET owner = NULL, lease_until = NULL, next_step_at = {now} + @after, updated_at = {now} WHERE sha256 = @sha256 AND owner = @owner " +
            "AND state = 'ready' RETURNING next_step_at",
            new { sha256, owner, after = (long)after.TotalMilliseconds }, cancellationToken);

    /// <summary>The service refused the file or the separation failed: it stays failed, with the reason, until released.</summary>
    public Task<int> MarkFailedAsync(string sha256, FleetFileState from, string code, string message, CancellationToken cancellationToken) =>
        database.ExecuteAsync(
            "UPDATE camb_fleet_files SET state = 'failed', owner = NULL, lease_until = NULL, error_code = @code, last_error = @message, updated_at = {now} " +
            "WHERE sha256 = @sha256 AND state = @from",
            new { sha256, from = FleetSql.Text(from), code, message }, cancellationToken);

    /// <summary>
    /// A person's decision on uncertain or failed files, and never a payment for what the fleet already has: a file with a
    /// run id goes back to be downloaded, one with a live task to be polled, and only one with neither (or a task that
    /// died at the service) to be uploaded again — for an uncertain one, the vendor may then charge twice.
    /// <paramref name="sha256Prefix"/> null releases every uncertain file.
    /// </summary>
    /// <returns>The released files as they were before, each with what it goes back to.</returns>
    public Task<IReadOnlyList<FleetReleased>> ReleaseAsync(string? sha256Prefix, CancellationToken cancellationToken) =>
        database.InTransactionAsync<IReadOnlyList<FleetReleased>>(async session =>
        {
            // A prefix as a range of the key (hex sorts the same in every collation), so the primary key serves it.
            string Which(string table) => sha256Prefix is null
                ? $"{table}state = 'uncertain'"
                : $"{table}state IN ('uncertain', 'failed') AND {table}sha256 >= @low AND {table}sha256 <= @high";
            var which = Which("");
            var parameters = new { low = sha256Prefix ?? "", high = (sha256Prefix ?? "").PadRight(64, 'f') };
            var before = await session.FilesAsync($"SELECT {Columns} FROM camb_fleet_files WHERE {which} ORDER BY submitted_at", parameters);
            await session.ExecuteAsync(
                $"UPDATE camb_fleet_attempts SET outcome = 'released' FROM camb_fleet_files AS f WHERE {Which("f.")} AND f.state = 'uncertain' " +
                "AND camb_fleet_attempts.sha256 = f.sha256 AND camb_fleet_attempts.attempt = f.attempt " +
                $"AND (camb_fleet_attempts.outcome IS NULL OR camb_fleet_attempts.outcome IN ('expired', '{FleetReasons.UploadInterrupted}', '{FleetReasons.UploadUnanswered}'))",
                parameters);
            await session.ExecuteAsync(
                $"UPDATE camb_fleet_files SET state = 'ready', owner = NULL, lease_until = NULL, error_code = NULL, last_error = NULL, next_step_at = {{now}}, updated_at = {{now}} " +
                $"WHERE {which} AND run_id IS NOT NULL", parameters);
            await session.ExecuteAsync(
                $"UPDATE camb_fleet_files SET state = 'processing', owner = NULL, lease_until = NULL, error_code = NULL, last_error = NULL, next_step_at = {{now}}, updated_at = {{now}} " +
                $"WHERE {which} AND run_id IS NULL AND task_id IS NOT NULL AND COALESCE(error_code, '') NOT IN {DeadTask}", parameters);
            await session.ExecuteAsync(
                "UPDATE camb_fleet_files SET state = 'new', owner = NULL, lease_until = NULL, task_id = NULL, run_id = NULL, uploaded_at = NULL, processed_at = NULL, " +
                $"error_code = NULL, last_error = NULL, updated_at = {{now}} WHERE {which}", parameters);
            return before.Select(f => new FleetReleased(f, f.RunId is not null ? FleetFileState.Ready
                : f.TaskId is not null && f.ErrorCode is not ("task_failed" or "payment_required" or "not_found") ? FleetFileState.Processing
                : FleetFileState.New)).ToList();
        }, holdGate: true, cancellationToken);

    /// <summary>
    /// Files whose step is overdue past <paramref name="grace"/> by the database's clock, with no live claim (its job or its
    /// worker was lost): each is handed to one caller, who runs it again.
    /// </summary>
    public Task<IReadOnlyList<FleetFile>> TakeOverdueAsync(TimeSpan grace, int max, CancellationToken cancellationToken) =>
        database.FilesAsync(
            "UPDATE camb_fleet_files SET next_step_at = {now}, updated_at = {now} WHERE sha256 IN (SELECT sha256 FROM camb_fleet_files " +
            "WHERE state IN ('admitted', 'processing', 'ready') AND next_step_at < {now} - @grace AND (owner IS NULL OR lease_until < {now}) ORDER BY next_step_at LIMIT @max) " +
            "RETURNING " + Columns,
            new { grace = (long)grace.TotalMilliseconds, max }, cancellationToken);
}
