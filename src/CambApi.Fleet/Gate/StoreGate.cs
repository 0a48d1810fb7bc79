namespace CambApi.Fleet;

/// <summary>A fleet's gate: its pause and limit live in the database, so every worker honours them.</summary>
internal sealed class StoreGate(FleetStore store) : IThrottleGate
{
    public async Task<long> PausedUntilAsync(CancellationToken cancellationToken) => (await store.GateAsync(cancellationToken)).PausedUntil;

    public async Task<double> ThrottledAsync(TimeSpan retryAfter, CancellationToken cancellationToken) =>
        (await store.ThrottledAsync(retryAfter, cancellationToken)).Limit;
}
