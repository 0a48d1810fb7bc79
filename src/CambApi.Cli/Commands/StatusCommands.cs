using SeparationStatus = CambApi.Client.SeparationStatus;

namespace CambApi.Cli.Commands;

/// <summary><c>camb status</c> and <c>camb result(s)</c>: read-only questions about a task or runs, in the common outcome shape.</summary>
internal static class StatusCommands
{
    public static async Task<int> StatusAsync(CliConsole console, string taskId, Connection connection, bool json,
        Action<AudioSeparationClientOptions>? configureClient, CancellationToken cancellationToken)
    {
        FileOutcome outcome;
        try
        {
            using var client = connection.CreateClient(null, simulator: null, configureClient);
            var operation = client.ResumeSeparation(taskId);
            await operation.UpdateStatusAsync(cancellationToken);
            var failed = operation.HasCompleted && operation.Status != SeparationStatus.Success
                ? Failures.Describe(new SeparationFailedException(taskId, operation.Status, operation.ExceptionReason, operation.ServiceMessage))
                : null;
            outcome = new FileOutcome(null, $"task {taskId}", Outcome.Ok, operation.Status.Value, taskId, operation.RunId);
            if (!json)
            {
                await console.Out.WriteLineAsync($"{taskId}: {operation.Status}{(operation.RunId is { } r ? $" (run {r}) — get the files with: camb download {r}" : "")}" +
                                                 (failed is null ? "" : $" — {failed.Message}"));
            }
        }
        catch (ArgumentException e)
        {
            return SeparateCommand.Usage(console, e.Message);
        }
        catch (Exception e) when (Failures.IsExpected(e))
        {
            outcome = new FileOutcome(null, $"task {taskId}", Outcome.Failed, TaskId: taskId, Error: Failures.Describe(e));
        }

        if (json || outcome.Error is not null)
        {
            Rendering.Report.Write(console, [outcome], json);
        }

        return FileOutcome.ExitCode([outcome]);
    }

    public static async Task<int> ResultsAsync(CliConsole console, long[] runIds, Connection connection, bool json,
        Action<AudioSeparationClientOptions>? configureClient, CancellationToken cancellationToken)
    {
        var outcomes = new List<FileOutcome>();
        try
        {
            using var client = connection.CreateClient(null, simulator: null, configureClient);
            var results = runIds.Length == 1
                ? new Dictionary<long, SeparationResult> { [runIds[0]] = await client.GetResultAsync(runIds[0], cancellationToken) }
                : await client.GetResultsAsync(runIds, cancellationToken);
            foreach (var id in runIds.Distinct())
            {
                if (results.TryGetValue(id, out var r))
                {
                    // Signatures stay off the terminal: a presigned URL's query is a credential. `camb download` fetches the files.
                    outcomes.Add(new FileOutcome(null, $"run {id}", Outcome.Ok, "SUCCESS", RunId: id,
                        Foreground: Redaction.Url(r.ForegroundUrl), Background: Redaction.Url(r.BackgroundUrl)));
                    if (!json)
                    {
                        await console.Out.WriteLineAsync($"{r} — get the files with: camb download {id}");
                    }
                }
                else
                {
                    outcomes.Add(new FileOutcome(null, $"run {id}", Outcome.Failed, RunId: id, Error: new Failure("not_found", $"the service has no result for run {id} — check the id")));
                }
            }
        }
        catch (ArgumentException e)
        {
            return SeparateCommand.Usage(console, e.Message);
        }
        catch (Exception e) when (Failures.IsExpected(e))
        {
            outcomes = runIds.Distinct().Select(id => new FileOutcome(null, $"run {id}", Outcome.Failed, RunId: id, Error: Failures.Describe(e))).ToList();
        }

        if (json)
        {
            Rendering.Report.Write(console, outcomes, json);
        }
        else
        {
            foreach (var o in outcomes.Where(o => o.Error is not null))
            {
                await console.Error.WriteLineAsync($"camb: {o.Name}: {o.Error!.Message}");
            }
        }

        return FileOutcome.ExitCode(outcomes);
    }
}
