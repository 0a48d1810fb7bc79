using System.Net;

namespace CambApi.Fleet;

/// <summary>
/// On every attempt of every API request (a caller's own handler in the library's chain, so it runs per attempt, below
/// the retries, and never sees the key): first waits out the gate's pause, then sends; a 429 or 503 with
/// <c>Retry-After</c> pauses everyone behind the gate until then and lowers its limit (<see cref="GateRules"/>). The gate is
/// a fleet's database (every worker) or one process's memory (<c>camb separate</c>). Storage downloads do not pass here:
/// the pause is the vendor's API's.
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
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && RetryAfter(response) is { } retryAfter)
        {
            var limit = await gate.ThrottledAsync(retryAfter, cancellationToken).ConfigureAwait(false);
            report($"the service asked to slow down (HTTP {(int)response.StatusCode}): requests pause {retryAfter.TotalSeconds:0.#} s; " +
                   $"files at the vendor now at most {GateRules.Room(limit)}");
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
