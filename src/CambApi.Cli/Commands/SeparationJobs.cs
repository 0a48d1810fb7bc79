using CambApi.Cli.Rendering;
using CambApi.Client;
using CambApi.Http;
using Spectre.Console;

namespace CambApi.Cli.Commands;

/// <summary>
/// The work behind <c>separate</c> and <c>download</c>: each journal entry carried from its last recorded step (upload,
/// task, run, files) to two whole files, recording each step as it completes.
/// </summary>
internal static class SeparationJobs
{
    /// <summary>
    /// Runs <paramref name="jobs"/> as <paramref name="gate"/> lets them in (its room adapts to the service's 429s), with
    /// bars on a terminal or lines elsewhere.
    /// </summary>
    public static async Task<FileOutcome[]> RunAllAsync<TJob>(CliConsole console, bool json, IReadOnlyList<TJob> jobs, LocalGate gate,
        Func<TJob, (string Name, long Size)> describe, Func<TJob, FileProgress, CancellationToken, Task<FileOutcome>> run,
        Func<TJob, FileOutcome> notStarted, CancellationToken cancellationToken)
    {
        var outcomes = new FileOutcome[jobs.Count];
        async Task All(Func<TJob, FileProgress> progressFor) =>
            await Task.WhenAll(jobs.Select(async (job, i) =>
            {
                IDisposable place;
                try
                {
                    place = await gate.EnterAsync(cancellationToken);
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
                    place.Dispose();
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
    /// Carries <paramref name="entry"/> on from its last step through the library's one workflow: a new entry is separated
    /// from <paramref name="input"/>; one with a task or run is finished from that checkpoint (no upload). Each step the
    /// library reports done — task, run, each track — is recorded at once, so an interruption at any point resumes there.
    /// </summary>
    public static async Task<FileOutcome> ContinueAsync(AudioSeparationClient client, BatchJournal journal, JournalEntry entry, ValidatedInput? input, string name,
        OutputFolder output, FileProgress progress, LocalGate gate, CancellationToken cancellationToken)
    {
        var inputPath = input?.Path;
        var options = new SeparateFileOptions
        {
            Overwrite = output.Overwrite,
            MayReplace = journal.Wrote, // what camb wrote earlier is camb's to replace
            OutputName = entry.Stem,
            Progress = progress,
            CheckpointReached = checkpoint =>
            {
                if (checkpoint.RunId is null)
                {
                    gate.Accepted(); // an upload the service took: the room may widen
                }

                (entry.TaskId, entry.RunId) = (checkpoint.TaskId, checkpoint.RunId);
                journal.Record(entry);
            },
            TrackWritten = written =>
            {
                if (written.Track == SeparationTrack.Foreground)
                {
                    (entry.Foreground, entry.ForegroundBytes) = (written.Path, written.Bytes);
                }
                else
                {
                    (entry.Background, entry.BackgroundBytes) = (written.Path, written.Bytes);
                }

                journal.Record(entry);
            },
        };

        try
        {
            SeparatedFiles files;
            if (entry.TaskId is not null || entry.RunId is not null)
            {
                progress.Resuming(entry.RunId is { } run ? $"run {run}" : $"task {entry.TaskId}");
                files = await client.FinishSeparationAsync(new SeparationCheckpoint(entry.TaskId, entry.RunId), output.Folder, options, cancellationToken);
            }
            else
            {
                files = await client.SeparateFileAsync(input!, output.Folder, options, cancellationToken);
            }

            entry.Downloaded = true; // the sizes came with each track (TrackWritten)
            journal.Record(entry);
            return new FileOutcome(inputPath, name, Outcome.Ok, "SUCCESS", entry.TaskId, files.Result.RunId, files.ForegroundPath, files.BackgroundPath,
                inputPath is null ? null : WavCheck.SumsToInput(inputPath, files));
        }
        catch (SeparationFailedException e)
        {
            // A task that ended cannot be resumed: forget it, so that running the command again starts afresh.
            entry.TaskId = null;
            journal.Record(entry);
            return new FileOutcome(inputPath, name, Outcome.Failed, e.Status.Value, e.TaskId, Error: Failures.Describe(e));
        }
        catch (SeparationTimeoutException e)
        {
            return new FileOutcome(inputPath, name, Outcome.Pending, e.RefusedWith is null ? e.LastStatus.Value : null, e.TaskId, Error: Failures.Describe(e));
        }
        catch (CambApiException e) when (e.StatusCode == 404 && e.TaskId is { } lost && lost == entry.TaskId && entry.RunId is null && input is not null)
        {
            entry.TaskId = null;
            journal.Record(entry);
            return new FileOutcome(inputPath, name, Outcome.Failed, TaskId: lost,
                Error: new Failure("not_found", $"the service no longer knows task {lost} (HTTP 404) — run the same command again to upload the file afresh"));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Interrupted(inputPath, name, entry);
        }
        catch (Exception e) when (Failures.IsExpected(e))
        {
            return new FileOutcome(inputPath, name, Outcome.Failed, entry.RunId is null ? null : "SUCCESS", entry.TaskId, entry.RunId, Error: Failures.Describe(e));
        }
    }

    /// <summary>What Ctrl+C left: the task id and the command that resumes it.</summary>
    public static FileOutcome Interrupted(string? input, string name, JournalEntry? entry) =>
        new(input, name, Outcome.Interrupted, TaskId: entry?.TaskId, RunId: entry?.RunId, Error: new Failure("interrupted",
            entry?.TaskId is { } task ? $"interrupted; task {task} goes on at the service — {Failures.Resume}"
            : entry?.RunId is { } run ? $"interrupted while downloading run {run} — {Failures.Resume}"
            : "interrupted before the service confirmed its upload — run the same command again to upload it"));
}
