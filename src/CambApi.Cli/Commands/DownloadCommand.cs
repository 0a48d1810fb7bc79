using CambApi.Http;

namespace CambApi.Cli.Commands;

internal sealed record DownloadRequest(long[] RunIds, string[] TaskIds, string Out, bool Json, TimeSpan? Timeout, bool Overwrite, Connection Connection);

/// <summary>
/// <c>camb download</c>: finishes a job started anywhere — by run id (just the files) or by task id (wait, then the files) —
/// into a folder, with the same journal, resumption and overwrite rules as <c>separate</c>.
/// </summary>
internal static class DownloadCommand
{
    private sealed record Job(JournalEntry Entry, string Name);

    public static async Task<int> RunAsync(CliConsole console, DownloadRequest request, Action<AudioSeparationClientOptions>? configureClient, CancellationToken cancellationToken)
    {
        if (request.RunIds.Length + request.TaskIds.Length == 0)
        {
            return SeparateCommand.Usage(console, "name at least one run id, or a task with --task (see camb download --help).");
        }

        try
        {
            foreach (var id in request.RunIds)
            {
                MediaInput.ValidateRunId(id, "run-ids");
            }

            foreach (var id in request.TaskIds)
            {
                MediaInput.ValidateTaskId(id, "--task");
            }
        }
        catch (ArgumentException e)
        {
            return SeparateCommand.Usage(console, e.Message);
        }

        if (OutputCheck.Prepare(request.Out, request.Overwrite, out var problem) is not { } output)
        {
            return SeparateCommand.Usage(console, problem!);
        }

        using var journal = BatchJournal.Open(output.Folder);
        // A run or task the journal knows keeps its input's name; one started elsewhere is named after its id.
        var jobs = request.RunIds.Distinct().Select(id =>
                new Job(journal.FindRun(id) ?? NewEntry(new SeparationCheckpoint(null, id)), $"run {id}"))
            .Concat(request.TaskIds.Distinct(StringComparer.Ordinal).Select(id =>
                new Job(journal.FindTask(id) ?? NewEntry(new SeparationCheckpoint(id)), $"task {id}")))
            .ToList();

        if (!request.Overwrite && OutputCheck.Foreign(journal, output.Folder, jobs.Select(j => j.Entry.Stem)) is { } foreign)
        {
            return SeparateCommand.Usage(console, foreign);
        }

        LocalGate gate;
        AudioSeparationClient client;
        try
        {
            var options = request.Connection.Options(request.Timeout, simulator: null, configureClient);
            gate = new LocalGate(2, options.TimeProvider);
            client = Connection.Client(options, gate, report: null); // each file's own line says what the pauses did
        }
        catch (ArgumentException e)
        {
            return SeparateCommand.Usage(console, e.Message);
        }

        using (gate)
        using (client)
        {
            var outcomes = await SeparationJobs.RunAllAsync(console, request.Json, jobs, gate,
                job => (job.Name, 0),
                (job, progress, ct) => job.Entry.FilesIntact()
                    ? Task.FromResult(new FileOutcome(job.Entry.Input, job.Name, Outcome.Skipped, "SUCCESS", job.Entry.TaskId, job.Entry.RunId, job.Entry.Foreground, job.Entry.Background))
                    : SeparationJobs.ContinueAsync(client, journal, job.Entry, input: null, job.Name, output, progress, gate, ct),
                job => SeparationJobs.Interrupted(null, job.Name, job.Entry),
                cancellationToken);

            Rendering.Report.Write(console, outcomes, request.Json);
            return FileOutcome.ExitCode(outcomes);
        }
    }

    /// <summary>An entry for a job the journal does not know, named as the library names a checkpoint's files.</summary>
    private static JournalEntry NewEntry(SeparationCheckpoint checkpoint) =>
        new() { Stem = OutputNames.For(checkpoint), TaskId = checkpoint.TaskId, RunId = checkpoint.RunId };
}
