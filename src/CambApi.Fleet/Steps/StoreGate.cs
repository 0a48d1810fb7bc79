using CambApi.Http;

namespace CambApi.Fleet;

/// <summary>A fleet's gate: its pause and limit live in the database, so every worker honours them.</summary>
internal sealed class StoreGate(FleetStore store) : IThrottleGate
{
    public async Task<long> PausedUntilAsync(CancellationToken cancellationToken) => (await store.Gate.ReadAsync(cancellationToken)).PausedUntil;

    public async Task<double> ThrottledAsync(TimeSpan retryAfter, CancellationToken cancellationToken) =>
        (await store.Gate.ThrottledAsync(retryAfter, cancellationToken)).Limit;
}
