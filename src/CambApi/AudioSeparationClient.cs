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
        // Arguments by name past the path's: a parameter the vendor adds later takes a place in the middle of the list.
        Rest.GetAudioSeparationStatusAsync(taskId, runId: null, cancellationToken: cancellationToken);

    Task<SeparationResult> IOperationHost.GetResultAsync(long runId, CancellationToken cancellationToken) => GetResultAsync(runId, cancellationToken);

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
