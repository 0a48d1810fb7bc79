using System.Collections.Concurrent;

namespace CambApi.Fleet;

/// <summary>
/// A worker's own timers for the steps it scheduled itself (the next status read of a file it uploaded or polled): each
/// runs in this process at its due time, with no trip through the job engine's queue (which fetches a scheduled job up to
/// a polling interval late, then queues and fetches it again). The row stays the truth: a step that fires finds its due
/// time in the row or ends without a request, and a worker that dies leaves the row overdue for another worker's sweep.
/// On a stop, what is still pending is handed to the engine (<see cref="Stop"/>), so no file waits for the sweep.
/// </summary>
internal sealed class PendingSteps(TimeProvider time, Func<string, long?, Task> run) : IDisposable
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private int _stopped;

    /// <summary>Runs the file's step (due at <paramref name="due"/> by the row) after <paramref name="delay"/>, replacing any step pending for it.</summary>
    public void At(string sha256, string fileName, long due, TimeSpan delay)
    {
        if (Volatile.Read(ref _stopped) == 1)
        {
            return;
        }

        // In the table before the timer exists, so a timer that fires at once finds its step there.
        var pending = new Pending(sha256, fileName, due, time.GetUtcNow() + delay);
        _pending.AddOrUpdate(sha256, pending, (_, replaced) =>
        {
            replaced.Timer?.Dispose();
            return pending;
        });
        pending.Timer = time.CreateTimer(_ => Fire(pending), null, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Steps waiting for their time.</summary>
    public int Count => _pending.Count;

    private void Fire(Pending pending)
    {
        if (!_pending.TryRemove(new KeyValuePair<string, Pending>(pending.Sha256, pending)) || Volatile.Read(ref _stopped) == 1)
        {
            return; // replaced, or the worker is stopping (it was handed back)
        }

        pending.Timer?.Dispose();
        var step = Task.Run(() => run(pending.Sha256, pending.Due));
        _running.TryAdd(step, 0);
        step.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>No more timers: returns the steps that were still waiting, for the caller to hand on; then waits for running ones.</summary>
    public IReadOnlyList<Pending> Stop()
    {
        Interlocked.Exchange(ref _stopped, 1);
        var left = _pending.Values.ToList();
        foreach (var pending in left)
        {
            pending.Timer?.Dispose();
        }

        _pending.Clear();
        return left;
    }

    /// <summary>Completes when the steps already started have ended.</summary>
    public Task RunningAsync() => Task.WhenAll(_running.Keys);

    public void Dispose() => Stop();

    /// <summary>A step waiting for its time: the file, the due time the row holds, and when this machine will run it.</summary>
    internal sealed record Pending(string Sha256, string FileName, long Due, DateTimeOffset RunsAt)
    {
        public ITimer? Timer { get; set; }
    }
}
