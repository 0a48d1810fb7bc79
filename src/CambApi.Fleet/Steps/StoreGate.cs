using CambApi.Http;

namespace CambApi.Fleet;

/// <summary>
/// A fleet's gate as one worker's API client meets it (<see cref="ThrottleHandler"/>): the pause and the limit live in the
/// database, for every worker. The pause is read as "this much longer" (the database's clock), turned into this machine's
/// time, and kept for <see cref="Fresh"/> — so a request is not a database round-trip, and a worker whose clock is off
/// waits exactly as long as the others. A refusal writes the pause and refreshes the reading at once.
/// </summary>
internal sealed class StoreGate(FleetGateStore gate, TimeProvider time) : IThrottleGate
{
    /// <summary>How long a reading of the pause serves this worker's requests.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    private readonly object _lock = new();
    private long _pausedUntil; // this machine's Unix milliseconds
    private long _readAt = long.MinValue; // TimeProvider timestamp of the reading

    public async Task<long> PausedUntilAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_readAt != long.MinValue && time.GetElapsedTime(_readAt) < Fresh)
            {
                return _pausedUntil;
            }
        }

        return Remember(await gate.ReadAsync(cancellationToken));
    }

    /// <summary>The pause and the limit, fresh from the database (or as recently read), for a step that decides by them.</summary>
    public async Task<TimeSpan> PausedForAsync(CancellationToken cancellationToken) =>
        TimeSpan.FromMilliseconds(Math.Max(0, await PausedUntilAsync(cancellationToken) - time.GetUtcNow().ToUnixTimeMilliseconds()));

    public async Task<double> ThrottledAsync(TimeSpan retryAfter, bool uploadRefused, CancellationToken cancellationToken)
    {
        var state = await gate.ThrottledAsync(retryAfter, uploadRefused, cancellationToken);
        Remember(state);
        return state.Limit;
    }

    private long Remember(FleetGateState state)
    {
        lock (_lock)
        {
            _pausedUntil = time.GetUtcNow().ToUnixTimeMilliseconds() + (long)state.PausedFor.TotalMilliseconds;
            _readAt = time.GetTimestamp();
            return _pausedUntil;
        }
    }
}
