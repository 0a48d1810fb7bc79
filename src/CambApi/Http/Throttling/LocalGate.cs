namespace CambApi.Http;

/// <summary>
/// One process's gate (<c>camb separate</c>): files at the vendor at once, up to a ceiling, adapting as a fleet's does
/// (<see cref="GateRules"/>) — a 429 or 503 halves the room and pauses every request until its Retry-After, accepted uploads
/// widen it again. A file holds its place from before its upload until its run is known.
/// </summary>
internal sealed class LocalGate(int ceiling, TimeProvider time) : IThrottleGate, IDisposable
{
    private readonly object _lock = new();
    private readonly SemaphoreSlim _changed = new(0);
    private double _limit = ceiling;
    private int _inUse;
    private long _pausedUntil;

    public int Room
    {
        get
        {
            lock (_lock)
            {
                return GateRules.Room(_limit);
            }
        }
    }

    /// <summary>Waits for a place (room under the limit, and no pause), then holds it until the returned handle is disposed.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                if (_pausedUntil <= now && _inUse < GateRules.Room(_limit))
                {
                    _inUse++;
                    return new Place(this);
                }

                wait = _pausedUntil > now ? TimeSpan.FromMilliseconds(_pausedUntil - now) : Timeout.InfiniteTimeSpan;
            }

            await _changed.WaitAsync(wait, cancellationToken); // woken by a place freed or the room widened; the pause's end by time
        }
    }

    /// <summary>An upload was accepted: the room widens (up to the ceiling).</summary>
    public void Accepted()
    {
        lock (_lock)
        {
            _limit = GateRules.Increase(_limit, ceiling);
        }

        _changed.Release();
    }

    public Task<long> PausedUntilAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_pausedUntil);
        }
    }

    public Task<double> ThrottledAsync(TimeSpan retryAfter, bool uploadRefused, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            if (_pausedUntil <= now)
            {
                _limit = GateRules.Decrease(_limit);
            }

            _pausedUntil = Math.Max(_pausedUntil, now + (long)retryAfter.TotalMilliseconds);
            return Task.FromResult(_limit);
        }
    }

    public void Dispose() => _changed.Dispose();

    private void Leave()
    {
        lock (_lock)
        {
            _inUse--;
        }

        _changed.Release();
    }

    private sealed class Place(LocalGate gate) : IDisposable
    {
        private int _left;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _left, 1) == 0)
            {
                gate.Leave();
            }
        }
    }
}
