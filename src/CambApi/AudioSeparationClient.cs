using System.Diagnostics;
using System.Globalization;
using CambApi.Client;
using CambApi.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CambApi;

/// <summary>
/// Separates recordings into a foreground and a background track with CAMB.AI: start a task, wait for it,
/// fetch its results and download both files — or do it all with <see cref="SeparateFileAsync"/>.
/// </summary>
public sealed partial class AudioSeparationClient : IDisposable
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

    /// <summary>Directly constructed client; the transports are for tests and the simulator.</summary>
    internal AudioSeparationClient(AudioSeparationClientOptions options, ILoggerFactory? loggerFactory,
        HttpMessageHandler? apiTransport, HttpMessageHandler? storageTransport)
    {
        options.ThrowIfInvalid();
        var loggers = loggerFactory ?? NullLoggerFactory.Instance;
        var endpoint = CambApiRestClient.WithTrailingSlash(options.Endpoint);

        var apiHandler = CambResilience.CreateHandler(options,
            new RedactingLoggingHandler(loggers.CreateLogger("CambApi.Http"), "api")
            {
                InnerHandler = new ApiKeyHandler(options.ResolveApiKey()!, endpoint) { InnerHandler = apiTransport ?? CreateApiTransport() },
            });
        var storageHandler = CambResilience.CreateHandler(options,
            new RedactingLoggingHandler(loggers.CreateLogger("CambApi.Http"), "storage") { InnerHandler = storageTransport ?? CreateStorageTransport() });

        var api = new HttpClient(apiHandler) { BaseAddress = endpoint, Timeout = Timeout.InfiniteTimeSpan };
        var storage = new HttpClient(storageHandler) { Timeout = Timeout.InfiniteTimeSpan };
        _owned = new Disposables(api, storage);
        (Options, Logger, Rest) = (options, loggers.CreateLogger<AudioSeparationClient>(), new CambApiRestClient(api));
        _downloader = new StorageDownloader(storage, loggers.CreateLogger("CambApi.Downloads"));
    }

    /// <summary>From dependency injection: the HTTP clients come from IHttpClientFactory, already configured.</summary>
    internal AudioSeparationClient(AudioSeparationClientOptions options, HttpClient api, HttpClient storage, ILoggerFactory loggers)
    {
        (Options, Logger, Rest) = (options, loggers.CreateLogger<AudioSeparationClient>(), new CambApiRestClient(api));
        _downloader = new StorageDownloader(storage, loggers.CreateLogger("CambApi.Downloads"));
    }

    /// <summary>The raw generated client on the same pipeline, for calls this layer does not wrap.</summary>
    public CambApiRestClient Rest { get; }

    internal AudioSeparationClientOptions Options { get; }

    internal ILogger Logger { get; }

    /// <summary>
    /// The API transport never follows redirects: the handler would carry x-api-key to wherever a redirect
    /// points (it strips only Authorization), and the API has no reason to redirect. A 3xx surfaces as an error.
    /// </summary>
    internal static SocketsHttpHandler CreateApiTransport() => new() { AllowAutoRedirect = false };

    /// <summary>
    /// The storage transport: follows redirects (the framework refuses https→http and drops credentials
    /// off-host; this client carries none anyway — the API key is never added to storage requests).
    /// </summary>
    internal static SocketsHttpHandler CreateStorageTransport() => new() { AllowAutoRedirect = true, MaxAutomaticRedirections = 5 };

    /// <summary>Uploads <paramref name="inputPath"/> and starts a separation task.</summary>
    /// <exception cref="ArgumentException">Missing, empty, a directory or an unsupported format; nothing is sent.</exception>
    public async Task<SeparationOperation> StartSeparationAsync(string inputPath, SeparationStartOptions? options = null, CancellationToken cancellationToken = default)
    {
        var path = MediaInput.ValidateFile(inputPath);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return await StartCoreAsync(stream, Path.GetFileName(path), options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Uploads <paramref name="content"/> (streamed, never buffered whole) as <paramref name="fileName"/>.
    /// A seekable stream is re-sent from its start if the upload must be retried; a forward-only one is sent once.
    /// </summary>
    public Task<SeparationOperation> StartSeparationAsync(Stream content, string fileName, SeparationStartOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(content));
        }

        MediaInput.ContentTypeFor(fileName ?? throw new ArgumentNullException(nameof(fileName)), nameof(fileName));
        return StartCoreAsync(content, Path.GetFileName(fileName), options, cancellationToken);
    }

    private async Task<SeparationOperation> StartCoreAsync(Stream content, string fileName, SeparationStartOptions? options, CancellationToken cancellationToken)
    {
        var upload = options?.UploadProgress is { } progress ? new ProgressStream(content, progress) : content;
        var replayable = content.CanSeek;
        var traceparent = CurrentTraceparent();

        using var scope = replayable ? null : CambApiRestClient.CustomizeRequests(r => r.Options.Set(CambResilience.NotReplayable, true));
        var created = await Rest.CreateAudioSeparationAsync(
            run_id: null,
            traceparent: traceparent,
            media_file: new FileParameter(upload, fileName, MediaInput.ContentTypeFor(fileName)),
            project_name: options?.ProjectName,
            project_description: options?.ProjectDescription,
            folder_id: options?.FolderId,
            cancellationToken: cancellationToken).ConfigureAwait(false);

        if (string.IsNullOrWhiteSpace(created.Task_id))
        {
            throw new CambApiException("The service accepted the upload but returned no task id.", 200, null, EmptyHeaders, null);
        }

        LogStarted(Logger, created.Task_id, fileName);
        return new SeparationOperation(this, created.Task_id);
    }

    /// <summary>An operation for a task started earlier (its stored <paramref name="taskId"/>); nothing is sent yet.</summary>
    public SeparationOperation ResumeSeparation(string taskId)
    {
        MediaInput.ValidateTaskId(taskId);
        return new SeparationOperation(this, taskId);
    }

    /// <summary>The download URLs of a finished run.</summary>
    public async Task<SeparationResult> GetResultAsync(long runId, CancellationToken cancellationToken = default)
    {
        MediaInput.ValidateRunId(runId);
        var response = await Rest.GetAudioSeparationRunInfoAsync(runId, cancellationToken).ConfigureAwait(false);
        return ToResult(runId, response);
    }

    /// <summary>The download URLs of several runs in one request, keyed by run id.</summary>
    public async Task<IReadOnlyDictionary<long, SeparationResult>> GetResultsAsync(IEnumerable<long> runIds, CancellationToken cancellationToken = default)
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
        var response = await Rest.GetAudioSeparationRunsResultsAsync(
            new RunIDsRequestPayload { Run_ids = ids }, traceparent: CurrentTraceparent(), cancellationToken: cancellationToken).ConfigureAwait(false);
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
    /// Downloads both tracks into <paramref name="outputDirectory"/> as <c>{baseName}.foreground.ext</c> and
    /// <c>{baseName}.background.ext</c>; each lands whole or not at all.
    /// </summary>
    public async Task<SeparatedFiles> DownloadAsync(SeparationResult result, string outputDirectory, string baseName, IProgress<long>? bytesProgress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        StorageDownloader.RequireSafeUrl(result.ForegroundUrl);
        StorageDownloader.RequireSafeUrl(result.BackgroundUrl);
        var directory = PrepareOutputDirectory(outputDirectory);
        var safeBase = SafeFileName(baseName);
        var foreground = Path.Combine(directory, $"{safeBase}.foreground{ExtensionOf(result.ForegroundUrl)}");
        var background = Path.Combine(directory, $"{safeBase}.background{ExtensionOf(result.BackgroundUrl)}");

        long foregroundBytes = 0;
        // Reported inline, in order: Progress<T> would post to the pool and could report the sum before the part.
        var foregroundProgress = bytesProgress is null ? null : new InlineProgress<long>(b => { foregroundBytes = b; bytesProgress.Report(b); });
        await _downloader.DownloadAsync(result.ForegroundUrl, foreground, foregroundProgress, cancellationToken).ConfigureAwait(false);
        var backgroundProgress = bytesProgress is null ? null : new InlineProgress<long>(b => bytesProgress.Report(foregroundBytes + b));
        await _downloader.DownloadAsync(result.BackgroundUrl, background, backgroundProgress, cancellationToken).ConfigureAwait(false);
        return new SeparatedFiles(foreground, background, result);
    }

    /// <summary>
    /// The one call: uploads <paramref name="inputPath"/>, waits for the separation, and writes the two tracks
    /// into <paramref name="outputDirectory"/>. Returns their paths.
    /// </summary>
    public async Task<SeparatedFiles> SeparateFileAsync(string inputPath, string outputDirectory, IProgress<SeparationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var path = MediaInput.ValidateFile(inputPath);
        PrepareOutputDirectory(outputDirectory);
        var operation = await StartSeparationAsync(path, options: null, cancellationToken).ConfigureAwait(false);
        var result = await operation.WaitForCompletionAsync(progress, cancellationToken).ConfigureAwait(false);
        return await DownloadAsync(result, outputDirectory, Path.GetFileNameWithoutExtension(path), bytesProgress: null, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _owned?.Dispose();

    private static readonly IReadOnlyDictionary<string, IEnumerable<string>> EmptyHeaders = new Dictionary<string, IEnumerable<string>>();

    /// <summary>The W3C trace context of the caller's activity, so the vendor's traces join the caller's.</summary>
    private static string? CurrentTraceparent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    private static SeparationResult ToResult(long runId, AudioSeparationRunInfoResponse response) =>
        new(runId, RequireUrl(runId, "foreground_audio_url", response.Foreground_audio_url), RequireUrl(runId, "background_audio_url", response.Background_audio_url));

    private static Uri RequireUrl(long runId, string field, string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
            ? uri
            : throw new CambApiException($"The result of run {runId} has no valid {field}.", 200, null, EmptyHeaders, null);

    private static string PrepareOutputDirectory(string outputDirectory)
    {
        if (string.IsNullOrWhiteSpace(outputDirectory))
        {
            throw new ArgumentException("An output directory is required.", nameof(outputDirectory));
        }

        var full = Path.GetFullPath(outputDirectory);
        if (File.Exists(full))
        {
            throw new ArgumentException($"The output path '{outputDirectory}' is a file, not a directory.", nameof(outputDirectory));
        }

        Directory.CreateDirectory(full);
        return full;
    }

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

    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
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
