using CambApi.Client;

namespace CambApi.Fleet;

/// <summary>The one step that pays: a conditional claim, the upload of the bytes that were hashed, the task id kept at once.</summary>
internal sealed partial class FleetSteps
{
    private string? _noUploads;

    private async Task UploadAsync(FleetFile admitted, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _noUploads) is not null || Fault is not null)
        {
            await _store.Files.UnadmitAsync(admitted.Sha256, cancellationToken); // not this worker's to take: back in line for another
            return;
        }

        // The machine's own bound on transfers; waiting here costs the vendor nothing (the file is only admitted).
        await _transfers.WaitAsync(cancellationToken);
        try
        {
            if (await _store.Files.ClaimUploadAsync(admitted.Sha256, admitted.Attempt, Owner, _options.Lease, cancellationToken) is not { } claimed)
            {
                return; // another worker took it, or it left the admitted state
            }

            Interlocked.Increment(ref _uploadsInProgress);
            Report(claimed, $"uploading (attempt {claimed.Attempt})");
            try
            {
                // Not the job's token: once started, an upload may finish during a stop (its task id saved) until the grace ends.
                var upload = UploadClaimedAsync(claimed, _hardStop.Token);
                await Task.WhenAll(upload, RenewWhileAsync(claimed, upload));
            }
            finally
            {
                if (Interlocked.Decrement(ref _uploadsInProgress) >= 0 && _stopping.IsCancellationRequested && !_hardStop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref FinishedDuringStop);
                }
            }
        }
        finally
        {
            _transfers.Release();
            RoomMayHaveChanged?.Invoke();
        }
    }

    private async Task UploadClaimedAsync(FleetFile claimed, CancellationToken cancellationToken)
    {
        string taskId;
        try
        {
            // The bytes sent are the bytes hashed, in one pass; forward-only, so the library sends it once: a refusal comes
            // back here, to the gate, instead of being retried underneath the fleet's limit.
            var content = new HashCheckedStream(
                new FileStream(claimed.InputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous),
                claimed.Sha256, claimed.InputPath);
            await using (content)
            {
                taskId = (await _client.StartSeparationAsync(content, claimed.FileName, cancellationToken: cancellationToken)).TaskId;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await UploadFailedAsync(claimed, e);
            return;
        }

        // Paid for: the id goes in this worker's line and beside it before the database is asked to hold it.
        CambFleetTelemetry.RecordUpload("accepted");
        Report(claimed, $"uploaded (task {taskId})");
        _spool.Write(claimed.Sha256, claimed.Attempt, taskId);
        await CheckpointTaskAsync(new SpooledTask(claimed.Sha256, claimed.Attempt, taskId), claimed.FileName, claimed.AudioSeconds);
    }

    /// <summary>
    /// Writes a task id the vendor returned into the rows — waiting while the database is away, until the worker ends —
    /// then removes it from the spool. Adopted: the file goes on to its first status read. Noted: a newer claim had the file.
    /// </summary>
    public async Task<bool> CheckpointTaskAsync(SpooledTask task, string fileName, double? audioSeconds)
    {
        RecordedTask recorded;
        TimeSpan firstPoll;
        try
        {
            firstPoll = PollPlan.After(TimeSpan.Zero, audioSeconds, await ProcessingRateAsync(), _schedule);
            recorded = await _store.Files.RecordTaskAsync(task.Sha256, task.Attempt, task.TaskId, firstPoll, _abandon.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or FleetDatabaseException)
        {
            _report($"{fileName}: task {task.TaskId} is kept in {_spool.Folder} until the fleet's database holds it " +
                    "(written there when a worker on this machine starts again, or the database is back)");
            return false;
        }

        _spool.Remove(task.Sha256, task.Attempt);
        if (recorded.Outcome == TaskRecorded.Noted)
        {
            _report($"{fileName}: task {task.TaskId} came back after a newer claim had taken the file; it is noted on attempt {task.Attempt}, not adopted");
            return true;
        }

        try
        {
            await _store.Gate.AcceptedAsync(_abandon.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or FleetDatabaseException)
        {
            // the limit grows on the next accepted upload instead
        }

        if (recorded.Due is { } due)
        {
            _pending.At(task.Sha256, fileName, due, firstPoll);
        }

        return true;
    }

    /// <summary>
    /// What a failed upload means for the money and for whom: refused or never sent — no task, back to the gate (or failed,
    /// for a file the service will always refuse); a fault of this worker (its key, its view of the inputs) — back to the
    /// gate for another worker, and this worker stops that work; anything that may have reached the service without a task
    /// id coming back — uncertain. The words for what happened are the library's (<see cref="FailureReasons"/>).
    /// </summary>
    private async Task UploadFailedAsync(FleetFile claimed, Exception e) =>
        CambFleetTelemetry.RecordUpload(await UploadFailedCoreAsync(claimed, e));

    /// <summary>Files the failed upload; returns what became of it for the uploads metric: refused, or the code the file was given.</summary>
    private async Task<string> UploadFailedCoreAsync(FleetFile claimed, Exception e)
    {
        var (sha, attempt) = (claimed.Sha256, (long)claimed.Attempt);
        var (code, reason) = FailureReasons.Of(e);
        var token = _abandon.Token;
        if (Find<InputChangedException>(e) is { } changed)
        {
            await _store.Files.MarkUploadFailedAsync(sha, attempt, FleetReasons.InputChanged,
                $"{changed.Message}: the upload was cut off before it was whole, so nothing was created; submit the file again to separate what it holds now", token);
            Report(claimed, "changed since it was submitted; failed, nothing was uploaded");
            return FleetReasons.InputChanged;
        }

        if (Find<FleetDatabaseException>(e) is { } database)
        {
            // The gate is read before the request and written after a refusal: either way no task was made.
            await _store.Files.ReturnToNewAsync(sha, attempt, FleetReasons.NotSent, $"the fleet's database failed before the upload ({database.Problem}); nothing was sent", token);
            Report(claimed, "the fleet's database failed before the upload; back in line, nothing was sent");
            return FleetReasons.NotSent;
        }

        switch (e)
        {
            case OperationCanceledException when _hardStop.IsCancellationRequested:
                await _store.Files.MarkUncertainAsync(sha, attempt, FleetReasons.UploadInterrupted, FleetReasons.UploadInterruptedReason, token);
                Interlocked.Increment(ref CutOff);
                Report(claimed, "upload cut off by the stop — uncertain: " + FleetReasons.UploadInterruptedReason);
                return FleetReasons.UploadInterrupted;
            case CambApiException { StatusCode: 429 or 503 } api:
                await _store.Files.ReturnToNewAsync(sha, attempt, FailureReasons.Busy, $"the service held its limit (HTTP {api.StatusCode}); it waits for room again", token);
                Report(claimed, $"the service held its limit (HTTP {api.StatusCode}); back to the gate, nothing was created");
                return "refused";
            case CambApiException { StatusCode: 401 or 403 } api:
                await _store.Files.ReturnToNewAsync(sha, attempt, FailureReasons.Unauthorized, $"a worker's API key was refused (HTTP {api.StatusCode}); nothing was created", token);
                Faulted($"this worker's API key was refused (HTTP {api.StatusCode}): it stops, and its files go to the other workers — check the key this machine is given");
                return FailureReasons.Unauthorized;
            case CambApiException { StatusCode: >= 400 and < 500 } api:
                await _store.Files.MarkUploadFailedAsync(sha, attempt, FailureReasons.Rejected,
                    $"the service refused it (HTTP {api.StatusCode}{(api.ServiceDetail is { } d ? ": " + d : "")}) — check the file; nothing was created, releasing it uploads it again", token);
                Report(claimed, $"refused by the service (HTTP {api.StatusCode}); failed, nothing was created");
                return FailureReasons.Rejected;
            case CambConnectionException { Failure: ConnectionFailure.Refused or ConnectionFailure.HostNotFound or ConnectionFailure.SecureConnection }:
                await _store.Files.ReturnToNewAsync(sha, attempt, FailureReasons.ConnectionFailed, reason, token);
                Report(claimed, $"{reason}; back in line, nothing was sent");
                return FailureReasons.ConnectionFailed;
            case FileNotFoundException when Directory.Exists(Path.GetDirectoryName(claimed.InputPath)):
                await _store.Files.MarkUploadFailedAsync(sha, attempt, FleetReasons.InputUnreadable,
                    $"{claimed.InputPath} is gone (moved or deleted since it was submitted); nothing was sent — put it back, then release it", token);
                Report(claimed, $"{claimed.InputPath} is gone; failed, nothing was sent");
                return FleetReasons.InputUnreadable;
            case ArgumentException:
                await _store.Files.MarkUploadFailedAsync(sha, attempt, FleetReasons.InputUnreadable, $"{reason}; nothing was sent", token);
                Report(claimed, $"{reason}; failed, nothing was sent");
                return FleetReasons.InputUnreadable;
            case IOException or UnauthorizedAccessException:
                // The folder is out of this worker's reach (a mount missing here, a permission): another worker may read it.
                await _store.Files.ReturnToNewAsync(sha, attempt, FleetReasons.InputUnreadable, $"a worker could not read {claimed.InputPath}; nothing was sent", token);
                if (Interlocked.CompareExchange(ref _noUploads, claimed.InputPath, null) is null)
                {
                    _report($"this worker cannot read {claimed.InputPath} ({FailureReasons.Plain(e.Message)}): it takes no more uploads and goes on with " +
                            "status reads and downloads — inputs must be where every worker can read them");
                }

                return FleetReasons.InputUnreadable;
            default:
                // A 5xx, a reset, a timeout: the request may have created a task whose id never came back.
                await _store.Files.MarkUncertainAsync(sha, attempt, FleetReasons.UploadUnanswered, FleetReasons.UploadUnansweredReason, token);
                Report(claimed, "uncertain: " + FleetReasons.UploadUnansweredReason);
                return FleetReasons.UploadUnanswered;
        }
    }

    /// <summary>The first <typeparamref name="T"/> in <paramref name="e"/>'s causes.</summary>
    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }

            if (e is AggregateException { InnerExceptions: [var only] })
            {
                e = only;
                if (e is T inner)
                {
                    return inner;
                }
            }
        }

        return null;
    }
}
