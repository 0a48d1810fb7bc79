using System.Diagnostics;
using System.Globalization;
using CambApi.Client;
using CambApi.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CambApi;

/// <summary>
/// Separates recordings into a foreground and a background track with CAMB.AI: start a task, wait for it,
/// fetch its results and download both files — or do it all with <see cref="SeparateFileAsync(string, string, SeparateFileOptions?, CancellationToken)"/>.
/// </summary>
/// <remarks>
/// Every public member is virtual and a protected constructor exists, so a test can substitute the client
/// (NSubstitute, Moq) — the Azure SDK's pattern; <see cref="CambApiModelFactory"/> builds the results and operations a
/// fake returns. Thread-safe; make one per application and reuse it.
/// </remarks>
public partial class AudioSeparationClient : IDisposable, IOperationHost
{
    private readonly StorageDownloader _downloader;
    private readonly Disposables? _owned;

    /// <summary>A client for the vendor's service with <paramref name="apiKey"/> and default settings.</summary>
    public AudioSeparationClient(string apiKey)
        : this(new AudioSeparationClientOptions { ApiKey = apiKey })
    {
    }

    /// <summary>A client with its own HTTP pipelines (retries, timeouts, redacted logging).</summary>
    /// <exception cref="ArgumentException">The options are invalid (a missing key, a bad endpoint, ...).</exception>
    public AudioSeparationClient(AudioSeparationClientOptions? options = null, ILoggerFactory? loggerFactory = null)
        : this(options ?? new AudioSeparationClientOptions(), loggerFactory, apiTransport: null, storageTransport: null)
    {
    }

    /// <summary>For mocking frameworks only: a client made this way has no connection, and every member must be overridden.</summary>
    protected AudioSeparationClient()
    {
        (_downloader, Options, Logger, Rest) = (null!, null!, NullLogger.Instance, null!);
    }

    /// <summary>Directly constructed client; the transports are for tests and the simulator.</summary>
    internal AudioSeparationClient(AudioSeparationClientOptions options, ILoggerFactory? loggerFactory,
        HttpMessageHandler? apiTransport, HttpMessageHandler? storageTransport)
    {
        options.ThrowIfInvalid();
        var loggers = loggerFactory ?? NullLoggerFactory.Instance;
        var endpoint = CambApiRestClient.WithTrailingSlash(options.Endpoint);

        var apiHandler = CambPipeline.Api(options, loggers, apiTransport);
        var storageHandler = CambPipeline.Storage(options, loggers, storageTransport);
        var api = new HttpClient(apiHandler) { BaseAddress = endpoint, Timeout = Timeout.InfiniteTimeSpan };
        var storage = new HttpClient(storageHandler) { Timeout = Timeout.InfiniteTimeSpan };
        _owned = new Disposables(api, storage);
        (Options, Logger, Rest) = (options, loggers.CreateLogger<AudioSeparationClient>(), new CambApiRestClient(api));
        _downloader = new StorageDownloader(storage, loggers.CreateLogger("CambApi.Downloads"), options);
    }

    /// <summary>From dependency injection: the HTTP clients come from IHttpClientFactory, already configured.</summary>
    internal AudioSeparationClient(AudioSeparationClientOptions options, HttpClient api, HttpClient storage, ILoggerFactory loggers)
    {
        (Options, Logger, Rest) = (options, loggers.CreateLogger<AudioSeparationClient>(), new CambApiRestClient(api));
        _downloader = new StorageDownloader(storage, loggers.CreateLogger("CambApi.Downloads"), options);
    }

    /// <summary>The raw generated client on the same pipeline, for calls this layer does not wrap.</summary>
    public virtual CambApiRestClient Rest { get; }

    internal AudioSeparationClientOptions Options { get; }

    internal ILogger Logger { get; }

    AudioSeparationClientOptions IOperationHost.Options => Options;

    ILogger IOperationHost.Logger => Logger;

    Task<OrchestratorPipelineResult> IOperationHost.GetStatusAsync(string taskId, CancellationToken cancellationToken) =>
        Rest.GetAudioSeparationStatusAsync(taskId, runId: null, cancellationToken);

    Task<SeparationResult> IOperationHost.GetResultAsync(long runId, CancellationToken cancellationToken) => GetResultAsync(runId, cancellationToken);

    /// <summary>Uploads <paramref name="inputPath"/> and starts a separation task.</summary>
    /// <exception cref="ArgumentException">Missing, empty, a directory or an unsupported format; nothing is sent.</exception>
    public virtual Task<SeparationOperation> StartSeparationAsync(string inputPath, SeparationStartOptions? options = null, CancellationToken cancellationToken = default) =>
        StartFileAsync(MediaInput.Validate(inputPath), options?.UploadProgress, options, cancellationToken);

    /// <summary>Uploads an input validated once by the caller (this method or <see cref="SeparateFileAsync(string, string, SeparateFileOptions?, CancellationToken)"/>).</summary>
    private async Task<SeparationOperation> StartFileAsync(ValidatedInput input, IProgress<long>? uploadProgress, SeparationStartOptions? options,
        CancellationToken cancellationToken)
    {
        // Unbuffered and read synchronously (see ProgressStream): the upload's copy loop brings its own pooled buffer.
        var file = new FileStream(input.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            return await StartCoreAsync(new ProgressStream(file, uploadProgress, readSynchronously: true), input.FileName, input.ContentType, options, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Uploads <paramref name="content"/> (streamed, never buffered whole) as <paramref name="fileName"/>.
    /// A seekable stream is re-sent from its start if the upload must be retried; a forward-only one is sent once.
    /// </summary>
    public virtual Task<SeparationOperation> StartSeparationAsync(Stream content, string fileName, SeparationStartOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(content));
        }

        var contentType = MediaInput.ContentTypeFor(fileName ?? throw new ArgumentNullException(nameof(fileName)), nameof(fileName));
        var upload = options?.UploadProgress is { } progress ? new ProgressStream(content, progress, readSynchronously: false) : content;
        return StartCoreAsync(upload, Path.GetFileName(fileName), contentType, options, cancellationToken);
    }

    private async Task<SeparationOperation> StartCoreAsync(Stream upload, string fileName, string contentType, SeparationStartOptions? options, CancellationToken cancellationToken)
    {
        var replayable = upload.CanSeek;
        using var activity = CambApiTelemetry.Start("camb.upload");
        var started = Stopwatch.GetTimestamp();
        var traceparent = CurrentTraceparent(); // our span's, when someone listens: the vendor's trace joins it

        using var scope = replayable ? null : CambApiRestClient.CustomizeRequests(r => r.Options.Set(CambResilience.NotReplayable, true));
        OrchestratorPipelineCallResult created;
        try
        {
            created = await Rest.CreateAudioSeparationAsync(
                runId: null,
                traceparent: traceparent,
                media_file: new FileParameter(upload, fileName, contentType),
                project_name: options?.ProjectName,
                project_description: options?.ProjectDescription,
                folder_id: options?.FolderId,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (CambException e) when (e.Annotate(traceparent: traceparent))
        {
            throw; // unreachable: Annotate only records the trace and returns false
        }
        catch (Exception e) when (Failed(activity, "create", started, e))
        {
            throw; // unreachable: Failed records the failure and returns false
        }

        if (string.IsNullOrWhiteSpace(created.TaskId))
        {
            var error = new CambApiException("The service accepted the upload but returned no task id.", 200, null, EmptyHeaders, null);
            Failed(activity, "create", started, error);
            throw error;
        }

        CambApiTelemetry.RecordOperation("create", started, error: null);
        var sent = replayable ? upload.Length : 0;
        CambApiTelemetry.RecordTransfer("upload", sent);
        activity?.SetTag("camb.task_id", created.TaskId);
        activity?.SetTag("camb.bytes", sent);

        LogStarted(Logger, created.TaskId, fileName);
        return new SeparationOperation(this, created.TaskId);
    }

    /// <summary>An operation for a task started earlier (its stored <paramref name="taskId"/>); nothing is sent yet.</summary>
    public virtual SeparationOperation ResumeSeparation(string taskId)
    {
        MediaInput.ValidateTaskId(taskId);
        return new SeparationOperation(this, taskId);
    }

    /// <summary>The download URLs of a finished run.</summary>
    public virtual async Task<SeparationResult> GetResultAsync(long runId, CancellationToken cancellationToken = default)
    {
        MediaInput.ValidateRunId(runId);
        using var activity = CambApiTelemetry.Start("camb.result", runId: runId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await Rest.GetAudioSeparationRunInfoAsync(runId, cancellationToken).ConfigureAwait(false);
            var result = ToResult(runId, response);
            CambApiTelemetry.RecordOperation("result", started, error: null);
            return result;
        }
        catch (CambException e) when (e.Annotate(runId: runId))
        {
            throw; // unreachable: Annotate only records the run and returns false
        }
        catch (Exception e) when (Failed(activity, "result", started, e))
        {
            throw; // unreachable: Failed records the failure and returns false
        }
    }

    /// <summary>The download URLs of several runs in one request, keyed by run id.</summary>
    public virtual async Task<IReadOnlyDictionary<long, SeparationResult>> GetResultsAsync(IEnumerable<long> runIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        var ids = runIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            throw new ArgumentException("At least one run id is required.", nameof(runIds));
        }

        foreach (var id in ids)
        {
            MediaInput.ValidateRunId(id, nameof(runIds));
        }

        using var scope = CambApiRestClient.CustomizeRequests(r => r.Options.Set(CambResilience.Idempotent, true));
        using var activity = CambApiTelemetry.Start("camb.results");
        activity?.SetTag("camb.run_count", ids.Count);
        var started = Stopwatch.GetTimestamp();
        IDictionary<string, AudioSeparationRunInfoResponse> response;
        try
        {
            response = await Rest.GetAudioSeparationRunsResultsAsync(
                new RunIDsRequestPayload { RunIds = ids }, traceparent: CurrentTraceparent(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Failed(activity, "results", started, e))
        {
            throw; // unreachable: Failed records the failure and returns false
        }

        CambApiTelemetry.RecordOperation("results", started, error: null);
        var results = new Dictionary<long, SeparationResult>();
        foreach (var (key, value) in response)
        {
            if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var runId))
            {
                throw new CambApiException($"The batch result has a key '{key}' that is not a run id.", 200, null, EmptyHeaders, null);
            }

            results[runId] = ToResult(runId, value);
        }

        return results;
    }

    /// <summary>
    /// Downloads both tracks, in parallel, into <paramref name="outputDirectory"/> as <c>{baseName}.foreground.ext</c> and
    /// <c>{baseName}.background.ext</c>. Each lands whole or not at all: a body that breaks off is resumed by Range, an
    /// expired URL is replaced by fresh ones for the same run (never a new upload).
    /// </summary>
    /// <remarks>
    /// <c>progress</c> gets the bytes of both tracks together, and their total once both sizes are known. Without
    /// <c>overwrite</c>, a file already at either destination fails the call before any request.
    /// </remarks>
    /// <exception cref="ArgumentException">A bad directory or URL; nothing is sent.</exception>
    /// <exception cref="SeparationOutputExistsException">A file at either destination, without <paramref name="overwrite"/>; nothing is sent.</exception>
    /// <exception cref="SeparationDownloadException">A track could not be fetched; a track already finished stays.</exception>
    public virtual async Task<SeparatedFiles> DownloadAsync(SeparationResult result, string outputDirectory, string baseName, IProgress<TransferProgress>? progress = null,
        bool overwrite = false, CancellationToken cancellationToken = default)
    {
        RequireSafeUrls(result); // before the folder is made: bad input changes nothing
        return await DownloadToAsync(result, PreparedFolder.Prepare(outputDirectory).Path, baseName, progress, _ => overwrite, trackWritten: null, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The one check of a result's URLs (https, http only on loopback), made where the result enters a download.</summary>
    private static void RequireSafeUrls(SeparationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        StorageDownloader.RequireSafeUrl(result.ForegroundUrl);
        StorageDownloader.RequireSafeUrl(result.BackgroundUrl);
    }

    /// <summary>Downloads into a directory prepared once by the caller (this class's <see cref="DownloadAsync"/> or <see cref="SeparateFileAsync(string, string, SeparateFileOptions?, CancellationToken)"/>).</summary>
    private async Task<SeparatedFiles> DownloadToAsync(SeparationResult result, string directory, string baseName, IProgress<TransferProgress>? progress,
        Func<string, bool> mayReplace, Action<string>? trackWritten, CancellationToken cancellationToken)
    {
        var safeBase = SafeFileName(baseName);
        var foreground = Path.Combine(directory, $"{safeBase}.foreground{ExtensionOf(result.ForegroundUrl)}");
        var background = Path.Combine(directory, $"{safeBase}.background{ExtensionOf(result.BackgroundUrl)}");
        if (new[] { foreground, background }.FirstOrDefault(f => File.Exists(f) && !mayReplace(f)) is { } existing)
        {
            throw new SeparationOutputExistsException(existing);
        }

        var tracks = new TrackProgress(progress);
        using var sibling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task Track(int index, Uri url, string path, Func<SeparationResult, Uri> pick)
        {
            using var activity = CambApiTelemetry.Start("camb.download", runId: result.RunId);
            activity?.SetTag("camb.track", index == 0 ? "foreground" : "background");
            try
            {
                await _downloader.DownloadAsync(url, path, mayReplace(path),
                    async ct => pick(await GetResultAsync(result.RunId, ct).ConfigureAwait(false)),
                    (bytes, total) => tracks.Report(index, bytes, total), sibling.Token).ConfigureAwait(false);
                var bytes = new FileInfo(path).Length;
                if (trackWritten is not null)
                {
                    lock (tracks)
                    {
                        trackWritten(path); // one at a time: a caller's journal need not be thread-safe
                    }
                }

                activity?.SetTag("camb.bytes", bytes);
                CambApiTelemetry.RecordTransfer("download", bytes);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                CambApiTelemetry.Fail(activity, e);
                await sibling.CancelAsync().ConfigureAwait(false); // one track failed: the other's bytes would be wasted on a failed call
                throw;
            }
        }

        var both = new[] { Track(0, result.ForegroundUrl, foreground, r => r.ForegroundUrl), Track(1, result.BackgroundUrl, background, r => r.BackgroundUrl) };
        try
        {
            await Task.WhenAll(both).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested &&
                                both.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException) is { } first)
        {
            // The first real failure, not the sibling's cancellation it caused.
            if (first is CambException failure)
            {
                failure.Annotate(runId: result.RunId);
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        return new SeparatedFiles(foreground, background, result);
    }

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
            total, from: null, PreparedFolder.Prepare(outputDirectory), options.OutputName ?? OutputNameFor(fileName), options, cancellationToken);
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
            input.Length, from: null, folder, options.OutputName ?? OutputNameFor(input.Path), options, cancellationToken);

    /// <summary>Finishes from a checkpoint whose ids the caller validated, into a prepared folder.</summary>
    internal Task<SeparatedFiles> FinishSeparationAsync(SeparationCheckpoint checkpoint, PreparedFolder folder, SeparateFileOptions options,
        CancellationToken cancellationToken) =>
        RunAsync(start: null, uploadTotal: null, checkpoint, folder, options.OutputName ?? OutputNameFor(checkpoint), options, cancellationToken);

    /// <summary>
    /// The workflow, in one place: upload (unless <paramref name="from"/> has a task), wait (unless it has a run), check the
    /// destinations again, download both tracks — reporting each step through one progress and each paid-for step as a checkpoint.
    /// </summary>
    private async Task<SeparatedFiles> RunAsync(Func<IProgress<long>?, CancellationToken, Task<SeparationOperation>>? start, long? uploadTotal,
        SeparationCheckpoint? from, PreparedFolder folder, string outputName, SeparateFileOptions options, CancellationToken cancellationToken)
    {
        var stem = SafeFileName(outputName);
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
        ExistingOutputs(folder.Path, stem).FirstOrDefault(f => options.MayReplace?.Invoke(f) != true);

    /// <summary>The stem of the two files a separation of <paramref name="inputPath"/> writes: <c>talk.wav</c> → <c>talk</c>.</summary>
    public static string OutputNameFor(string inputPath) => SafeFileName(Path.GetFileNameWithoutExtension(inputPath));

    /// <summary>The stem for a separation finished from <paramref name="checkpoint"/> with no input at hand: <c>task-{id}</c>, else <c>run-{id}</c>.</summary>
    public static string OutputNameFor(SeparationCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return SafeFileName(checkpoint.TaskId is { } task ? $"task-{task}" : string.Create(CultureInfo.InvariantCulture, $"run-{checkpoint.RunId}"));
    }

    /// <summary>Files a run for <paramref name="stem"/> would write (or replace): <c>stem.foreground.*</c>, <c>stem.background.*</c>.</summary>
    public static IEnumerable<string> ExistingOutputs(string outputDirectory, string stem) =>
        Directory.Exists(outputDirectory)
            ? Directory.EnumerateFiles(outputDirectory, $"{stem}.foreground.*").Concat(Directory.EnumerateFiles(outputDirectory, $"{stem}.background.*"))
                .Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)
            : [];

    /// <summary>Releases the HTTP connections this client made (none when they came from dependency injection).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the owned HTTP clients; a subclass that holds more overrides this and calls it.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _owned?.Dispose();
        }
    }

    /// <summary>Records a failed call on its span and in the duration metric; false, so it can sit in an exception filter.</summary>
    internal static bool Failed(Activity? activity, string operation, long started, Exception error)
    {
        CambApiTelemetry.Fail(activity, error);
        CambApiTelemetry.RecordOperation(operation, started, error);
        return false;
    }

    private static readonly IReadOnlyDictionary<string, IEnumerable<string>> EmptyHeaders = new Dictionary<string, IEnumerable<string>>();

    /// <summary>The W3C trace context of the caller's activity, so the vendor's traces join the caller's.</summary>
    private static string? CurrentTraceparent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    private static SeparationResult ToResult(long runId, AudioSeparationRunInfoResponse response) =>
        new(runId, RequireUrl(runId, "foreground_audio_url", response.ForegroundAudioUrl), RequireUrl(runId, "background_audio_url", response.BackgroundAudioUrl));

    private static Uri RequireUrl(long runId, string field, string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
            ? uri
            : throw new CambApiException($"The result of run {runId} has no valid {field}.", 200, null, EmptyHeaders, null);

    /// <summary>The URL path's extension if it is a plain short one (.wav, .flac); never anything that could name a path.</summary>
    internal static string ExtensionOf(Uri url)
    {
        var extension = Path.GetExtension(Uri.UnescapeDataString(url.AbsolutePath));
        return extension.Length is > 1 and <= 6 && extension.Skip(1).All(char.IsAsciiLetterOrDigit) ? extension.ToLowerInvariant() : ".audio";
    }

    /// <summary>A file-name stem that cannot leave the output directory.</summary>
    internal static string SafeFileName(string name)
    {
        var stem = Path.GetFileName(name ?? string.Empty);
        var invalid = Path.GetInvalidFileNameChars();
        stem = new string(stem.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray()).Trim().TrimStart('.');
        return stem.Length == 0 ? "separation" : stem;
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Started separation task {TaskId} for {FileName}")]
    private static partial void LogStarted(ILogger logger, string taskId, string fileName);

    /// <summary>Sums the two tracks' bytes, reported inline (Progress&lt;T&gt; would post to the pool and reorder reports).</summary>
    private sealed class TrackProgress(IProgress<TransferProgress>? progress)
    {
        private readonly long[] _bytes = new long[2];
        private readonly long?[] _totals = new long?[2];

        public void Report(int track, long bytes, long? total)
        {
            if (progress is null)
            {
                return;
            }

            TransferProgress sum;
            lock (_bytes)
            {
                _bytes[track] = bytes;
                _totals[track] = total;
                sum = new TransferProgress(_bytes[0] + _bytes[1], _totals[0] + _totals[1]);
            }

            progress.Report(sum);
        }
    }

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
