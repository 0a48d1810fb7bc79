using CambApi.Client;

namespace CambApi.Fleet;

/// <summary>The one step that pays: a conditional claim, the upload, the task id written under the claim's fencing token.</summary>
internal sealed partial class FleetSteps
{
    private async Task UploadAsync(FleetFile admitted, CancellationToken cancellationToken)
    {
        // The machine's own bound on transfers; waiting here costs the vendor nothing (the file is only admitted).
        await _transfers.WaitAsync(cancellationToken);
        try
        {
            if (await store.Files.ClaimUploadAsync(admitted.Sha256, Owner, options.Lease, cancellationToken) is not { } claimed)
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
        SeparationOperation operation;
        try
        {
            operation = await client.StartSeparationAsync(claimed.InputPath, cancellationToken: cancellationToken);
        }
        catch (Exception e)
        {
            await UploadFailedAsync(claimed, e);
            return;
        }

        var next = PollPlan.Next(store.Now, store.Now, claimed.AudioSeconds, await store.Monitor.ProcessingRateAsync(CancellationToken.None), schedule);
        if (await store.Files.RecordTaskAsync(claimed.Sha256, claimed.Attempt, operation.TaskId, next, CancellationToken.None))
        {
            await store.Gate.AcceptedAsync(CancellationToken.None);
            Report(claimed, $"uploaded (task {operation.TaskId})");
            ScheduleAt(claimed, next);
        }
        else
        {
            Report(claimed, $"uploaded late (task {operation.TaskId}) after the file was released; the task is noted, not adopted");
        }
    }

    /// <summary>
    /// What a failed upload means for the money: refused or never sent — no task, back to new (or failed, for a request the
    /// service will always refuse); anything that may have reached the service without a task id coming back — uncertain.
    /// The words for what happened are the library's (<see cref="FailureReasons"/>); this adds what happens to the file.
    /// </summary>
    private async Task UploadFailedAsync(FleetFile claimed, Exception e)
    {
        var (sha, attempt) = (claimed.Sha256, (long)claimed.Attempt);
        var (code, reason) = FailureReasons.Of(e);
        switch (e)
        {
            case OperationCanceledException when _hardStop.IsCancellationRequested:
                await store.Files.MarkUncertainAsync(sha, attempt, FleetReasons.UploadInterrupted, FleetReasons.UploadInterruptedReason, CancellationToken.None);
                Interlocked.Increment(ref CutOff);
                Report(claimed, "upload cut off by the stop — uncertain: " + FleetReasons.UploadInterruptedReason);
                break;
            case CambApiException { StatusCode: 429 or 503 } api:
                await store.Files.ReturnToNewAsync(sha, attempt, FailureReasons.Busy, $"the service was busy (HTTP {api.StatusCode}); it will be uploaded again", CancellationToken.None);
                Report(claimed, $"the service was busy (HTTP {api.StatusCode}); back in line, nothing was created");
                break;
            case CambApiException { StatusCode: >= 400 and < 500 } api:
                await store.Files.MarkUploadFailedAsync(sha, attempt, code is FailureReasons.Unauthorized ? code : FailureReasons.Rejected,
                    (code is FailureReasons.Unauthorized ? reason : $"the service refused it (HTTP {api.StatusCode}{(api.ServiceDetail is { } d ? ": " + d : "")})") +
                    (code is FailureReasons.Unauthorized ? " — check this worker's API key" : " — check the file") + "; nothing was created, releasing it uploads it again",
                    CancellationToken.None);
                Report(claimed, $"refused by the service (HTTP {api.StatusCode}); failed, nothing was created");
                break;
            case CambConnectionException { Failure: ConnectionFailure.Refused or ConnectionFailure.HostNotFound or ConnectionFailure.SecureConnection }:
                await store.Files.ReturnToNewAsync(sha, attempt, FailureReasons.ConnectionFailed, reason, CancellationToken.None);
                Report(claimed, $"{reason}; back in line, nothing was sent");
                break;
            case ArgumentException or FileNotFoundException or UnauthorizedAccessException or DirectoryNotFoundException:
                await store.Files.MarkUploadFailedAsync(sha, attempt, FleetReasons.InputUnreadable,
                    $"this worker cannot read {claimed.InputPath} — inputs must be where every worker can read them; nothing was sent, releasing it uploads it again", CancellationToken.None);
                Report(claimed, $"cannot read {claimed.InputPath}; failed, nothing was sent");
                break;
            default:
                // A 5xx, a reset, a timeout: the request may have created a task whose id never came back.
                await store.Files.MarkUncertainAsync(sha, attempt, FleetReasons.UploadUnanswered, FleetReasons.UploadUnansweredReason, CancellationToken.None);
                Report(claimed, "uncertain: " + FleetReasons.UploadUnansweredReason);
                break;
        }
    }
}
