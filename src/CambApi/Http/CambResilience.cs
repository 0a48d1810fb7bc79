using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CambApi.Http;

/// <summary>
/// The retry and timeout policy of both HTTP pipelines (API and storage), built with Polly through
/// Microsoft.Extensions.Http.Resilience rather than a hand-written loop. One definition serves the DI
/// registration and the directly constructed client.
/// </summary>
internal static class CambResilience
{
    /// <summary>Set on a request whose body cannot be sent twice (a caller's forward-only stream).</summary>
    public static readonly HttpRequestOptionsKey<bool> NotReplayable = new("CambApi.NotReplayable");

    /// <summary>Set on a POST that only reads (the batch results lookup), so it is retried like a GET.</summary>
    public static readonly HttpRequestOptionsKey<bool> Idempotent = new("CambApi.Idempotent");

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, AudioSeparationClientOptions options)
    {
        builder.TimeProvider = options.TimeProvider;
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                // The service's Retry-After, read the library's one way (RetryAfter); otherwise the exponential backoff.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response
                    ? RetryAfter.From(response.Headers, options.TimeProvider.GetUtcNow())
                    : null),
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context.GetRequestMessage(), args.Outcome)),
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
    }

    /// <summary>
    /// GETs, and POSTs marked <see cref="Idempotent"/>, are always safe to repeat. The create POST is repeated only when it cannot have created a task
    /// (the connection was never made) or the server asked for it (429/503 with Retry-After), and only when
    /// its body can be sent again from the start.
    /// </summary>
    internal static bool ShouldRetry(HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome)
    {
        var idempotent = request is null || request.Method == HttpMethod.Get || request.Method == HttpMethod.Head ||
                         (request.Options.TryGetValue(Idempotent, out var marked) && marked);
        if (request is not null && request.Options.TryGetValue(NotReplayable, out var notReplayable) && notReplayable)
        {
            return false;
        }

        if (outcome.Exception is { } exception)
        {
            return idempotent
                ? exception is HttpRequestException or TimeoutRejectedException or IOException
                : exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (idempotent)
        {
            return status is 408 or 429 || status >= 500;
        }

        return response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable &&
               response.Headers.RetryAfter is not null;
    }
}
