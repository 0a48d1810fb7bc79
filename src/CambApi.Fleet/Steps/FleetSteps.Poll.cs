using CambApi.Client;

namespace CambApi.Fleet;

/// <summary>Waiting costs nothing: one status read a step, the next scheduled around the predicted end (<see cref="PollPlan"/>).</summary>
internal sealed partial class FleetSteps
{
    private async Task PollAsync(FleetFile file, long? jobDue, CancellationToken cancellationToken)
    {
        // Every job carries the due time it was made for, and only the job the row expects reads: one made for another
        // time belongs to a chain that was replaced (the sweep re-enqueued an overdue file while its scheduled job still
        // waited in a busy queue) and ends here, without a request.
        if (file.NextStepAt != jobDue)
        {
            return;
        }

        var now = store.Now;

        var gate = await store.Gate.ReadAsync(cancellationToken);
        if (gate.PausedUntil > now)
        {
            await PostponeAsync(file, gate.PausedUntil, cancellationToken); // no request inside a pause
            return;
        }

        var operation = client.ResumeSeparation(file.TaskId!);
        try
        {
            await operation.UpdateStatusAsync(cancellationToken);
        }
        catch (CambApiException e) when (e.StatusCode == 404)
        {
            await store.Files.MarkFailedAsync(file.Sha256, FleetFileState.Processing, FailureReasons.NotFound,
                $"the service no longer knows task {file.TaskId} (HTTP 404); releasing it uploads it again", CancellationToken.None);
            Report(file, $"the service no longer knows task {file.TaskId}; failed");
            RoomMayHaveChanged?.Invoke();
            return;
        }
        catch (CambException e) when (e.IsTransient && !cancellationToken.IsCancellationRequested)
        {
            // Busy, unreachable, slow: no status was read; try again after any pause, at least a few seconds on.
            var pause = (await store.Gate.ReadAsync(CancellationToken.None)).PausedUntil;
            await PostponeAsync(file, Math.Max(pause, store.Now + 5000), CancellationToken.None);
            return;
        }

        if (operation.Status == SeparationStatus.Success && operation.RunId is { } runId)
        {
            if (await store.Files.RecordRunAsync(file.Sha256, runId, CancellationToken.None))
            {
                Report(file, $"processed (run {runId})");
                Enqueue(file);
                RoomMayHaveChanged?.Invoke();
            }

            return;
        }

        if (operation.Status.IsFailure)
        {
            var (code, reason) = FailureReasons.Of(new SeparationFailedException(file.TaskId!, operation.Status, operation.ExceptionReason, operation.ServiceMessage));
            await store.Files.MarkFailedAsync(file.Sha256, FleetFileState.Processing, code, reason, CancellationToken.None);
            Report(file, $"failed at the service: {operation.Status}{(operation.ExceptionReason is { } r ? $" ({r})" : "")}");
            RoomMayHaveChanged?.Invoke();
            return;
        }

        var next = PollPlan.Next(file.UploadedAt ?? now, store.Now, file.AudioSeconds, await store.Monitor.ProcessingRateAsync(CancellationToken.None), schedule);
        if (await store.Files.RecordPollAsync(file.Sha256, file.NextStepAt, next, CancellationToken.None) == 1)
        {
            ScheduleAt(file, next);
        }
    }

    private async Task PostponeAsync(FleetFile file, long until, CancellationToken cancellationToken)
    {
        if (await store.Files.PostponeAsync(file.Sha256, file.NextStepAt, until, cancellationToken) == 1)
        {
            ScheduleAt(file, until);
        }
    }
}
