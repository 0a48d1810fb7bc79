using System.Net;

namespace CambApi.Fleet;

/// <summary>
/// On every attempt of every API request of a worker (a caller's own handler in the library's chain, so it runs per
/// attempt, below the retries, and never sees the key): first waits out the fleet's pause, then sends; a 429 or 503 with
/// <c>Retry-After</c> pauses every worker of the fleet until then and lowers the fleet's limit (the store owns the rule).
/// Storage downloads do not pass here: the pause is the vendor's API's.
/// </summary>
internal sealed class FleetGateHandler(FleetStore store, TimeProvider time, Action<string> report) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var gate = await store.GateAsync(cancellationToken).ConfigureAwait(false);
        var wait = gate.PausedUntil - store.Now;
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(wait), time, cancellationToken).ConfigureAwait(false);
        }

        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && RetryAfter(response) is { } retryAfter)
        {
            var paused = await store.ThrottledAsync(retryAfter, cancellationToken).ConfigureAwait(false);
            report($"the service asked to slow down (HTTP {(int)response.StatusCode}): every worker pauses {retryAfter.TotalSeconds:0.#} s; " +
                   $"files at the vendor now at most {Math.Floor(paused.Limit):0}");
        }

        return response;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero,
        _ => null,
    };
}
