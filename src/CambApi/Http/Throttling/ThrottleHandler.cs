using System.Net;

namespace CambApi.Http;

/// <summary>
/// On every attempt of every API request (a caller's own handler in the library's chain, so it runs per attempt, below
/// the retries, and never sees the key): first waits out the gate's pause, then sends; a 429 or 503 with
/// <c>Retry-After</c> pauses everyone behind the gate until then and lowers its limit (<see cref="GateRules"/>). The gate is
/// one process's memory (<see cref="LocalGate"/>: <c>camb separate</c>) or a fleet's database (every worker). Storage
/// downloads do not pass here: the pause is the vendor's API's. Placed through
/// <see cref="AudioSeparationClientOptions.AddPerAttemptHandler"/>.
/// </summary>
internal sealed class ThrottleHandler(IThrottleGate gate, TimeProvider time, Action<string> report) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var wait = await gate.PausedUntilAsync(cancellationToken).ConfigureAwait(false) - time.GetUtcNow().ToUnixTimeMilliseconds();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(wait), time, cancellationToken).ConfigureAwait(false);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable &&
            RetryAfter.From(response.Headers, time.GetUtcNow()) is { } retryAfter)
        {
            var limit = await gate.ThrottledAsync(retryAfter, uploadRefused: request.Method == HttpMethod.Post && request.Content is MultipartFormDataContent,
                cancellationToken).ConfigureAwait(false);
            report($"the service asked to slow down (HTTP {(int)response.StatusCode}): requests pause {retryAfter.TotalSeconds:0.#} s; " +
                   $"files at the vendor now at most {GateRules.Room(limit)}");
        }

        return response;
    }
}
