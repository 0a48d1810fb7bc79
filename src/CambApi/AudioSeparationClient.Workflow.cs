namespace CambApi;

// The one call from a file (or stream, or checkpoint) to two files: RunAsync is the workflow, in one place.
public partial class AudioSeparationClient
{
    /// <summary>
    /// The one call: uploads <paramref name="inputPath"/>, waits for the separation, and writes the two tracks
    /// into <paramref name="outputDirectory"/>. Returns their paths.
    /// </summary>
    /// <remarks>
    /// Without <see cref="SeparateFileOptions.Overwrite"/>, tracks of an earlier run in the folder fail the call before the
    /// upload. <see cref="SeparateFileOptions.CheckpointReached"/> hands out what <see cref="FinishSeparationAsync(SeparationCheckpoint, string, SeparateFileOptions?, CancellationToken)"/>
    /// needs to finish after a failure without uploading again.
    /// </remarks>
    /// <exception cref="ArgumentException">A bad input or folder; nothing is sent.</exception>
    /// <exception cref="SeparationOutputExistsException">A track of that name exists (before the upload, or appeared before the download); it is left as it is.</exception>
    public virtual Task<SeparatedFiles> SeparateFileAsync(string inputPath, string outputDirectory, SeparateFileOptions? options = null, CancellationToken cancellationToken = default)
    {
        var input = MediaInput.Validate(inputPath);
        return SeparateFileAsync(input, PreparedFolder.Prepare(outputDirectory), options ?? new SeparateFileOptions(), cancellationToken);
    }

    /// <summary>
    /// The one call for a stream: uploads <paramref name="content"/> as <paramref name="fileName"/> (streamed; see
    /// <see cref="StartSeparationAsync(Stream, string, SeparationStartOptions?, CancellationToken)"/>), waits, and writes the two
    /// tracks into <paramref name="outputDirectory"/>, named after <paramref name="fileName"/> unless <see cref="SeparateFileOptions.OutputName"/> says otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">An unreadable stream, an unsupported name or a bad folder; nothing is sent.</exception>
    public virtual Task<SeparatedFiles> SeparateFileAsync(Stream content, string fileName, string outputDirectory, SeparateFileOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(content));
        }

        var contentType = MediaInput.ContentTypeFor(fileName ?? throw new ArgumentNullException(nameof(fileName)), nameof(fileName));
        options ??= new SeparateFileOptions();
        long? total = content.CanSeek ? content.Length - content.Position : null;
        return RunAsync((uploadProgress, ct) => StartCoreAsync(uploadProgress is null ? content : new ProgressStream(content, uploadProgress, readSynchronously: false),
                Path.GetFileName(fileName), contentType, options.Start, ct),
            total, from: null, PreparedFolder.Prepare(outputDirectory), options.OutputName ?? OutputNames.For(fileName), options, cancellationToken);
    }

    /// <summary>
    /// Finishes a separation started earlier, from its stored <paramref name="checkpoint"/>: waits for the task unless its run
    /// is known, then writes the two tracks into <paramref name="outputDirectory"/>, named <see cref="SeparateFileOptions.OutputName"/>
    /// (by default <see cref="OutputNameFor(SeparationCheckpoint)"/>). Never uploads.
    /// </summary>
    /// <exception cref="ArgumentException">A checkpoint with neither id, a bad id or folder; nothing is sent.</exception>
    /// <exception cref="SeparationOutputExistsException">A track of that name exists (before anything is sent, or appeared before the download); it is left as it is.</exception>
    public virtual Task<SeparatedFiles> FinishSeparationAsync(SeparationCheckpoint checkpoint, string outputDirectory, SeparateFileOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.RunId is { } run)
        {
            MediaInput.ValidateRunId(run, nameof(checkpoint));
        }
        else
        {
            MediaInput.ValidateTaskId(checkpoint.TaskId, nameof(checkpoint));
        }

        return FinishSeparationAsync(checkpoint, PreparedFolder.Prepare(outputDirectory), options ?? new SeparateFileOptions(), cancellationToken);
    }

    /// <summary>For callers that validated the input and prepared the folder themselves (the CLI, once per batch): no check repeated.</summary>
    internal Task<SeparatedFiles> SeparateFileAsync(ValidatedInput input, PreparedFolder folder, SeparateFileOptions options, CancellationToken cancellationToken) =>
        RunAsync((uploadProgress, ct) => StartFileAsync(input, uploadProgress, options.Start, ct),
            input.Length, from: null, folder, options.OutputName ?? OutputNames.For(input.Path), options, cancellationToken);

    /// <summary>Finishes from a checkpoint whose ids the caller validated, into a prepared folder.</summary>
    internal Task<SeparatedFiles> FinishSeparationAsync(SeparationCheckpoint checkpoint, PreparedFolder folder, SeparateFileOptions options,
        CancellationToken cancellationToken) =>
        RunAsync(start: null, uploadTotal: null, checkpoint, folder, options.OutputName ?? OutputNames.For(checkpoint), options, cancellationToken);

    /// <summary>
    /// The workflow, in one place: upload (unless <paramref name="from"/> has a task), wait (unless it has a run), check the
    /// destinations again, download both tracks — reporting each step through one progress and each paid-for step as a checkpoint.
    /// </summary>
    private async Task<SeparatedFiles> RunAsync(Func<IProgress<long>?, CancellationToken, Task<SeparationOperation>>? start, long? uploadTotal,
        SeparationCheckpoint? from, PreparedFolder folder, string outputName, SeparateFileOptions options, CancellationToken cancellationToken)
    {
        var stem = OutputNames.Sanitize(outputName);
        // Destination check 1 of 3, before anything is sent (2 is below, before the download; 3 the downloader's final move).
        if (!options.Overwrite && BlockingOutput(folder, stem, options) is { } existing)
        {
            // Checked before anything is sent: the extension comes from the result, so any extension counts.
            throw new SeparationOutputExistsException(existing);
        }

        var progress = options.Progress;
        // One span over the three steps, so a trace reads "separation: upload, wait (polls), downloads".
        using var activity = CambApiTelemetry.Start("camb.separate");
        string? taskId = from?.TaskId;
        long? runId = from?.RunId;
        try
        {
            SeparationResult result;
            if (runId is { } knownRun)
            {
                result = await GetResultAsync(knownRun, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                SeparationOperation operation;
                if (taskId is { } knownTask)
                {
                    operation = new SeparationOperation(this, knownTask);
                }
                else
                {
                    var watched = options.Start?.UploadProgress; // the start options' own watcher hears the upload too
                    var uploaded = progress is null ? watched : new InlineProgress<long>(bytes =>
                    {
                        watched?.Report(bytes);
                        progress.Report(new(SeparationStep.Uploading, new TransferProgress(bytes, uploadTotal)));
                    });
                    operation = await start!(uploaded, cancellationToken).ConfigureAwait(false);
                    taskId = operation.TaskId;
                    options.CheckpointReached?.Invoke(new SeparationCheckpoint(taskId));
                }

                activity?.SetTag("camb.task_id", taskId);
                result = await operation.WaitForCompletionAsync(
                    progress is null ? null : new InlineProgress<SeparationProgress>(status => progress.Report(new(SeparationStep.Processing, Status: status))),
                    cancellationToken).ConfigureAwait(false);
                options.CheckpointReached?.Invoke(new SeparationCheckpoint(taskId, result.RunId));
            }

            runId = result.RunId;
            activity?.SetTag("camb.run_id", result.RunId);
            RequireSafeUrls(result);
            // Destination check 2 of 3: a file that appeared while the service worked is left as it is.
            if (!options.Overwrite && BlockingOutput(folder, stem, options) is { } appeared)
            {
                throw new SeparationOutputExistsException(appeared, appearedMeanwhile: true);
            }

            var downloaded = progress is null ? null : new InlineProgress<TransferProgress>(bytes => progress.Report(new(SeparationStep.Downloading, bytes)));
            return await DownloadToAsync(result, folder.Path, stem, downloaded,
                path => options.Overwrite || options.MayReplace?.Invoke(path) == true, options.TrackWritten, cancellationToken).ConfigureAwait(false);
        }
        catch (CambException e) when (e.Annotate(taskId: taskId, runId: runId))
        {
            throw; // unreachable: Annotate only records the ids and returns false
        }
        catch (Exception e)
        {
            CambApiTelemetry.Fail(activity, e);
            throw;
        }
    }

    /// <summary>A file the two tracks would replace that the caller did not allow replacing; null when there is none.</summary>
    private static string? BlockingOutput(PreparedFolder folder, string stem, SeparateFileOptions options) =>
        OutputNames.Existing(folder.Path, stem).FirstOrDefault(f => options.MayReplace?.Invoke(f) != true);

    /// <summary>The stem of the two files a separation of <paramref name="inputPath"/> writes: <c>talk.wav</c> → <c>talk</c>.</summary>
    public static string OutputNameFor(string inputPath) => OutputNames.For(inputPath);

    /// <summary>The stem for a separation finished from <paramref name="checkpoint"/> with no input at hand: <c>task-{id}</c>, else <c>run-{id}</c>.</summary>
    public static string OutputNameFor(SeparationCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return OutputNames.For(checkpoint);
    }

    /// <summary>Files a run for <paramref name="stem"/> would write (or replace): <c>stem.foreground.*</c>, <c>stem.background.*</c>.</summary>
    public static IEnumerable<string> ExistingOutputs(string outputDirectory, string stem) => OutputNames.Existing(outputDirectory, stem);
}
