using CambApi.Client;

namespace CambApi.Fleet;

/// <summary>Waiting costs nothing: one status read a step, the next scheduled around the predicted end (<see cref="PollPlan"/>).</summary>
internal sealed partial class FleetSteps
{
    /// <summary>How long a status read waits after the service could not answer it (busy, unreachable), beyond any pause.</summary>
    private static readonly TimeSpan AfterUnanswered = TimeSpan.FromSeconds(5);

    /// <summary>How long a status read waits after the service refused it for a reason that is not the task's.</summary>
    private static readonly TimeSpan AfterRefused = TimeSpan.FromSeconds(30);

    private async Task PollAsync(FileReading reading, long? jobDue, CancellationToken cancellationToken)
    {
        var file = reading.File;

        // Every step carries the due time it was made for, and only the step the row expects reads: one made for another
        // time belongs to a chain that was replaced (the sweep re-enqueued an overdue file while its step still waited),
        // and ends here without a request.
        if (file.NextStepAt != jobDue)
        {
            return;
        }

        if (await _gate.PausedForAsync(cancellationToken) is { Ticks: > 0 } paused)
        {
            await PostponeAsync(file, paused, cancellationToken); // no request inside a pause
            return;
        }

        var operation = _client.ResumeSeparation(file.TaskId!);
        try
        {
            await operation.UpdateStatusAsync(cancellationToken);
            CambFleetTelemetry.RecordStatusRead(operation.Status.Value, error: null);
        }
        catch (Exception e) when (e is CambException && RecordedUnread(e))
        {
            throw; // never: recorded, then handled below
        }
        catch (CambApiException e) when (e.StatusCode == 404)
        {
            await _store.Files.MarkFailedAsync(file.Sha256, FleetFileState.Processing, FailureReasons.NotFound,
                $"the service no longer knows task {file.TaskId} (HTTP 404); releasing it uploads it again", _abandon.Token);
            Report(file, $"the service no longer knows task {file.TaskId}; failed");
            RoomMayHaveChanged?.Invoke();
            return;
        }
        catch (CambApiException e) when (e.StatusCode is 401 or 403)
        {
            await PostponeAsync(file, AfterUnanswered, _abandon.Token); // the task is fine; another worker reads it
            Faulted($"this worker's API key was refused (HTTP {e.StatusCode}): it stops, and its files go to the other workers — check the key this machine is given");
            return;
        }
        catch (CambException e) when (e.IsTransient && !cancellationToken.IsCancellationRequested)
        {
            // Busy, unreachable, slow: no status was read; try again after any pause, at least a few seconds on.
            var pause = await _gate.PausedForAsync(_abandon.Token);
            await PostponeAsync(file, pause > AfterUnanswered ? pause : AfterUnanswered, _abandon.Token);
            return;
        }
        catch (CambApiException e) when (e.StatusCode is >= 400 and < 500)
        {
            // Not the task's doing (it would be a 404 or a status): read again later, and say so.
            await PostponeAsync(file, AfterRefused, _abandon.Token);
            Report(file, $"the service refused the status read of task {file.TaskId} (HTTP {e.StatusCode}); trying again in {AfterRefused.TotalSeconds:0} s");
            return;
        }

        if (operation.Status == SeparationStatus.Success && operation.RunId is { } runId)
        {
            if (await _store.Files.RecordRunAsync(file.Sha256, runId, _abandon.Token))
            {
                Report(file, $"processed (run {runId})");
                RoomMayHaveChanged?.Invoke();
                await DownloadAsync(file with { State = FleetFileState.Ready, RunId = runId }, cancellationToken); // at once: no trip through a queue
            }

            return;
        }

        if (operation.Status.IsFailure)
        {
            var (code, reason) = FailureReasons.Of(new SeparationFailedException(file.TaskId!, operation.Status, operation.ExceptionReason, operation.ServiceMessage));
            await _store.Files.MarkFailedAsync(file.Sha256, FleetFileState.Processing, code, reason, _abandon.Token);
            Report(file, $"failed at the service: {operation.Status}{(operation.ExceptionReason is { } r ? $" ({r})" : "")}");
            RoomMayHaveChanged?.Invoke();
            return;
        }

        var waited = TimeSpan.FromMilliseconds(reading.Now - (file.UploadedAt ?? reading.Now));
        var next = PollPlan.After(waited, file.AudioSeconds, await ProcessingRateAsync(), _schedule);
        if (await _store.Files.RecordPollAsync(file.Sha256, file.NextStepAt, next, _abandon.Token) is { } due)
        {
            ScheduleOwn(file, due, next);
        }
    }

    /// <summary>A status read that read no status, for the metric; false, so the exception goes on to its handler.</summary>
    private static bool RecordedUnread(Exception e)
    {
        CambFleetTelemetry.RecordStatusRead(status: null, e);
        return false;
    }

    private async Task PostponeAsync(FleetFile file, TimeSpan after, CancellationToken cancellationToken)
    {
        if (await _store.Files.PostponeAsync(file.Sha256, file.NextStepAt, after, cancellationToken) is { } due)
        {
            ScheduleOwn(file, due, after);
        }
    }
}
