using CambApi.Client;

namespace CambApi.Fleet;

/// <summary>Waiting costs nothing: one status read a step, the next scheduled around the predicted end (<see cref="PollPlan"/>).</summary>
internal sealed partial class FleetRuntime
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

        var gate = await store.GateAsync(cancellationToken);
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
            await store.MarkFailedAsync(file.Sha256, FleetFileState.Processing, "not_found",
                $"the service no longer knows task {file.TaskId} (HTTP 404) — `camb fleet release {Short(file)}` uploads it again", CancellationToken.None);
            Report(file, $"the service no longer knows task {file.TaskId}; failed");
            RoomMayHaveChanged?.Invoke();
            return;
        }
        catch (CambException e) when (e.IsTransient && !cancellationToken.IsCancellationRequested)
        {
            // Busy, unreachable, slow: no status was read; try again after any pause, at least a few seconds on.
            var pause = (await store.GateAsync(CancellationToken.None)).PausedUntil;
            await PostponeAsync(file, Math.Max(pause, store.Now + 5000), CancellationToken.None);
            return;
        }

        if (operation.Status == SeparationStatus.Success && operation.RunId is { } runId)
        {
            if (await store.RecordRunAsync(file.Sha256, runId, CancellationToken.None))
            {
                Report(file, $"processed (run {runId})");
                Enqueue(file);
                RoomMayHaveChanged?.Invoke();
            }

            return;
        }

        if (operation.Status.IsFailure)
        {
            var reason = operation.ExceptionReason is { } r ? $" ({r})" : "";
            var message = operation.ServiceMessage is { } m ? $": {m}" : "";
            await store.MarkFailedAsync(file.Sha256, FleetFileState.Processing,
                operation.Status == SeparationStatus.PaymentRequired ? "payment_required" : "task_failed",
                $"the service could not separate it: {operation.Status}{reason}{message}", CancellationToken.None);
            Report(file, $"failed at the service: {operation.Status}{reason}");
            RoomMayHaveChanged?.Invoke();
            return;
        }

        var next = PollPlan.Next(file.UploadedAt ?? now, store.Now, file.AudioSeconds, await store.ProcessingRateAsync(CancellationToken.None), schedule);
        if (await store.RecordPollAsync(file.Sha256, file.NextStepAt, next, CancellationToken.None) == 1)
        {
            ScheduleAt(file, next);
        }
    }

    private async Task PostponeAsync(FleetFile file, long until, CancellationToken cancellationToken)
    {
        if (await store.PostponeAsync(file.Sha256, file.NextStepAt, until, cancellationToken) == 1)
        {
            ScheduleAt(file, until);
        }
    }

    private static string Short(FleetFile file) => file.Sha256[..12];
}
