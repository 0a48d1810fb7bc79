using System.Security.Cryptography;
using CambApi.Cli.Rendering;
using CambApi.Client;
using CambApi.Simulator;
using Spectre.Console;

namespace CambApi.Cli.Commands;

/// <summary>Where a batch writes and whether it may replace files it did not write.</summary>
internal sealed record OutputFolder(string Path, bool Overwrite);

/// <summary>
/// The work behind <c>separate</c> and <c>download</c>: each journal entry carried from its last recorded step (upload,
/// task, run, files) to two whole files, recording each step as it completes.
/// </summary>
internal static class SeparationJobs
{
    /// <summary>Runs <paramref name="jobs"/>, at most <paramref name="concurrency"/> at once, with bars on a terminal or lines elsewhere.</summary>
    public static async Task<FileOutcome[]> RunAllAsync<TJob>(CliConsole console, bool json, IReadOnlyList<TJob> jobs, int concurrency,
        Func<TJob, (string Name, long Size)> describe, Func<TJob, IFileProgress, CancellationToken, Task<FileOutcome>> run,
        Func<TJob, FileOutcome> notStarted, CancellationToken cancellationToken)
    {
        var outcomes = new FileOutcome[jobs.Count];
        using var gate = new SemaphoreSlim(concurrency);
        async Task All(Func<TJob, IFileProgress> progressFor) =>
            await Task.WhenAll(jobs.Select(async (job, i) =>
            {
                try
                {
                    await gate.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    outcomes[i] = notStarted(job);
                    return;
                }

                try
                {
                    // CancelAsync runs the gate's cancellation callback later: a file may be let in after Ctrl+C.
                    cancellationToken.ThrowIfCancellationRequested();
                    var progress = progressFor(job);
                    outcomes[i] = await run(job, progress, cancellationToken);
                    progress.Done(outcomes[i]);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Cancelled before the job reached a step that reports its own interruption (hashing the input, say).
                    outcomes[i] = notStarted(job);
                }
                finally
                {
                    gate.Release();
                }
            }));

        if (console.Interactive && !json)
        {
            var byteRows = new HashSet<int>();
            await console.Ansi.Progress().AutoClear(false).HideCompleted(false).Columns(BarProgress.Columns(byteRows))
                .StartAsync(ctx => All(job => new BarProgress(ctx, byteRows, describe(job).Name, describe(job).Size)));
        }
        else
        {
            await All(job => new LineProgress(console.Error, describe(job).Name));
        }

        return outcomes;
    }

    /// <summary>
    /// Carries <paramref name="entry"/> on from its last step: upload <paramref name="input"/> (only if no task is known),
    /// wait for the task (only if no run is known), download both tracks.
    /// </summary>
    public static async Task<FileOutcome> ContinueAsync(AudioSeparationClient client, BatchJournal journal, JournalEntry entry, string? input, string name,
        OutputFolder output, IFileProgress progress, CancellationToken cancellationToken)
    {
        try
        {
            SeparationResult result;
            if (entry.RunId is { } knownRun)
            {
                progress.Resuming($"run {knownRun}");
                result = await client.GetResultAsync(knownRun, cancellationToken);
            }
            else
            {
                SeparationOperation operation;
                if (entry.TaskId is { } knownTask)
                {
                    progress.Resuming($"task {knownTask}");
                    operation = client.ResumeSeparation(knownTask);
                }
                else
                {
                    var total = new FileInfo(input!).Length;
                    operation = await client.StartSeparationAsync(input!, new SeparationStartOptions
                    {
                        UploadProgress = new InlineProgress<long>(bytes => progress.Uploading(bytes, total)),
                    }, cancellationToken);
                    entry.TaskId = operation.TaskId;
                    journal.Record(entry);
                }

                result = await operation.WaitForCompletionAsync(progress, cancellationToken);
                entry.RunId = result.RunId;
                journal.Record(entry);
            }

            if (!output.Overwrite && AudioSeparationClient.ExistingOutputs(output.Path, entry.Stem).FirstOrDefault(f => !journal.Wrote(f)) is { } foreign)
            {
                return new FileOutcome(input, name, Outcome.Failed, "SUCCESS", entry.TaskId, entry.RunId,
                    Error: new Failure("output_exists", $"{foreign} appeared meanwhile and camb did not write it; it was left as it is — pass --overwrite to replace it"));
            }

            SeparatedFiles files;
            try
            {
                files = await client.DownloadAsync(result, output.Path, entry.Stem, progress, overwrite: true, cancellationToken);
            }
            catch (Exception) when (ClaimWritten(journal, entry, output.Path))
            {
                throw; // unreachable: ClaimWritten only records and returns false
            }

            entry.Foreground = files.ForegroundPath;
            entry.Background = files.BackgroundPath;
            entry.ForegroundBytes = new FileInfo(files.ForegroundPath).Length;
            entry.BackgroundBytes = new FileInfo(files.BackgroundPath).Length;
            entry.Downloaded = true;
            journal.Record(entry);
            return new FileOutcome(input, name, Outcome.Ok, "SUCCESS", entry.TaskId, result.RunId, files.ForegroundPath, files.BackgroundPath,
                input is null ? null : WavCheck.SumsToInput(input, files));
        }
        catch (SeparationFailedException e)
        {
            // A task that ended cannot be resumed: forget it, so that running the command again starts afresh.
            entry.TaskId = null;
            journal.Record(entry);
            return new FileOutcome(input, name, Outcome.Failed, e.Status.Value, e.TaskId, Error: Failures.Describe(e));
        }
        catch (SeparationTimeoutException e)
        {
            return new FileOutcome(input, name, Outcome.Pending, e.LastStatus.Value, e.TaskId, Error: Failures.Describe(e));
        }
        catch (CambApiException e) when (e.StatusCode == 404 && e.TaskId is { } lost && lost == entry.TaskId && entry.RunId is null && input is not null)
        {
            entry.TaskId = null;
            journal.Record(entry);
            return new FileOutcome(input, name, Outcome.Failed, TaskId: lost,
                Error: new Failure("not_found", $"the service no longer knows task {lost} (HTTP 404) — run the same command again to upload the file afresh"));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Interrupted(input, name, entry);
        }
        catch (Exception e) when (Failures.IsExpected(e))
        {
            return new FileOutcome(input, name, Outcome.Failed, TaskId: entry.TaskId, RunId: entry.RunId, Error: Failures.Describe(e));
        }
    }

    /// <summary>
    /// After a failed download: a track that did land (whole — downloads go through temporary files) is ours, since nothing
    /// foreign was there before; record it, so that running the command again may replace it. Returns false (an exception filter).
    /// </summary>
    private static bool ClaimWritten(BatchJournal journal, JournalEntry entry, string folder)
    {
        foreach (var file in AudioSeparationClient.ExistingOutputs(folder, entry.Stem))
        {
            if (Path.GetFileName(file).StartsWith(entry.Stem + ".foreground.", StringComparison.Ordinal))
            {
                entry.Foreground = file;
            }
            else
            {
                entry.Background = file;
            }
        }

        journal.Record(entry);
        return false;
    }

    /// <summary>What Ctrl+C left: the task id and the command that resumes it.</summary>
    public static FileOutcome Interrupted(string? input, string name, JournalEntry? entry) =>
        new(input, name, Outcome.Interrupted, TaskId: entry?.TaskId, RunId: entry?.RunId, Error: new Failure("interrupted",
            entry?.TaskId is { } task ? $"interrupted; task {task} goes on at the service — {Failures.Resume}"
            : entry?.RunId is { } run ? $"interrupted while downloading run {run} — {Failures.Resume}"
            : "interrupted before the service confirmed its upload — run the same command again to upload it"));

    /// <summary>SHA-256 of a file's content, for the journal.</summary>
    public static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        await using (file)
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        }
    }

    /// <summary>Reports on the caller's thread: Progress&lt;T&gt; would post to the pool and reorder lines.</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>For WAV, checks the vendor's promise: foreground + background == input, sample for sample.</summary>
internal static class WavCheck
{
    public static bool? SumsToInput(string input, SeparatedFiles files)
    {
        if (!input.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) || !files.ForegroundPath.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var original = PcmWav.Read(File.ReadAllBytes(input)).Samples;
            var fg = PcmWav.Read(File.ReadAllBytes(files.ForegroundPath)).Samples;
            var bg = PcmWav.Read(File.ReadAllBytes(files.BackgroundPath)).Samples;
            return fg.Length == original.Length && bg.Length == original.Length && !original.Where((s, i) => fg[i] + bg[i] != s).Any();
        }
        catch (InvalidDataException)
        {
            return null; // not integer PCM (the real service may encode differently): nothing to compare
        }
    }
}
