using CambApi.Client;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace CambApi.Http;

/// <summary>
/// The one place the library's two handler chains are built — used by the public constructors, by <c>AddCambApi</c>
/// (which hands IHttpClientFactory the same handlers) and by the tests and benchmarks. Outermost first:
/// <list type="bullet">
/// <item>API: failure translation → resilience (retry, per-attempt timeout) → response buffering and the undocumented-answer check (per attempt) →
/// redacted logging → [a caller's per-attempt handlers: <see cref="AudioSeparationClientOptions.AddPerAttemptHandler"/>, then DI's
/// AddHttpMessageHandler] → API key on its transport (no redirects; <see cref="ApiKeyHandler.OnTransport"/>).</item>
/// <item>Storage: failure translation → resilience → redacted logging → transport (no redirects, never a key).</item>
/// </list>
/// </summary>
internal static class CambPipeline
{
    /// <summary>The logger category of both chains' request logs.</summary>
    public const string LoggerCategory = "CambApi.Http";

    /// <summary>The logger category of the drift warnings the API chain raises (undocumented statuses and content types).</summary>
    public const string DriftLoggerCategory = "CambApi.SpecDrift";

    /// <summary>The API chain ending in the key handler on <paramref name="transport"/> (default: the API transport).</summary>
    public static DelegatingHandler Api(AudioSeparationClientOptions options, ILoggerFactory loggers, HttpMessageHandler? transport = null) =>
        Chain(ApiHandlers(options, loggers), KeyedApiTransport(options, transport));

    /// <summary>The storage chain ending in <paramref name="transport"/> (default <see cref="CreateStorageTransport"/>).</summary>
    public static DelegatingHandler Storage(AudioSeparationClientOptions options, ILoggerFactory loggers, HttpMessageHandler? transport = null) =>
        Chain(StorageHandlers(options, loggers), transport ?? CreateStorageTransport());

    /// <summary>The API chain's handlers, outermost first, unlinked (IHttpClientFactory links them itself).</summary>
    public static DelegatingHandler[] ApiHandlers(AudioSeparationClientOptions options, ILoggerFactory loggers) =>
    [
        new FailureTranslationHandler(options.AttemptTimeout),
        Resilience(options),
        new ResponseBufferingHandler(loggers.CreateLogger(DriftLoggerCategory)),
        new RedactingLoggingHandler(loggers.CreateLogger(LoggerCategory), "api"),
        .. options.PerAttemptHandlers.Select(create => create()),
    ];

    /// <summary>The storage chain's handlers, outermost first, unlinked.</summary>
    public static DelegatingHandler[] StorageHandlers(AudioSeparationClientOptions options, ILoggerFactory loggers) =>
    [
        new FailureTranslationHandler(options.AttemptTimeout),
        Resilience(options),
        new RedactingLoggingHandler(loggers.CreateLogger(LoggerCategory), "storage"),
    ];

    /// <summary>
    /// The API chain's innermost part, shared with the generated client (<see cref="ApiKeyHandler.OnTransport"/>); DI makes
    /// it the primary handler, so a caller's handlers run per attempt but above the key, never seeing it.
    /// </summary>
    public static HttpMessageHandler KeyedApiTransport(AudioSeparationClientOptions options, HttpMessageHandler? transport = null) =>
        ApiKeyHandler.OnTransport(options.ResolveApiKey()!, CambApiRestClient.WithTrailingSlash(options.Endpoint), transport);

    /// <summary>
    /// The storage transport does not follow redirects itself: the downloader does, checking every target as it checks the
    /// first URL (https only, http only on loopback). It carries no credentials — the API key is never added to storage requests.
    /// </summary>
    public static SocketsHttpHandler CreateStorageTransport() => new() { AllowAutoRedirect = false, PooledConnectionLifetime = ApiKeyHandler.ConnectionLifetime };

    /// <summary>The retry and timeout policy (<see cref="CambResilience.Configure"/>) as a handler.</summary>
    public static DelegatingHandler Resilience(AudioSeparationClientOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        CambResilience.Configure(builder, options);
        return new ResilienceHandler(builder.Build());
    }

    private static DelegatingHandler Chain(DelegatingHandler[] handlers, HttpMessageHandler transport)
    {
        for (var i = 0; i < handlers.Length; i++)
        {
            handlers[i].InnerHandler = i + 1 < handlers.Length ? handlers[i + 1] : transport;
        }

        return handlers[0];
    }
}
