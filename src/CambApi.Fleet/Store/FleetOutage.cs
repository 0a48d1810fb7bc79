namespace CambApi.Fleet;

/// <summary>
/// One worker's view of its database being away: the first failed try says so in one line, the first answer after it
/// says it is back and how long it was gone — however many operations were waiting meanwhile. Never a stack trace.
/// </summary>
internal sealed class FleetOutage(FleetDatabase database, TimeProvider time, Action<string> report)
{
    private readonly object _lock = new();
    private long? _since;
    private long? _backAt;

    /// <summary>Fired once when the database answers again after an outage.</summary>
    public event Action? Back;

    /// <summary>True while the database is away.</summary>
    public bool Active
    {
        get
        {
            lock (_lock)
            {
                return _since is not null;
            }
        }
    }

    /// <summary>True while the database is away, or came back less than <paramref name="window"/> ago.</summary>
    public bool ActiveWithin(TimeSpan window)
    {
        lock (_lock)
        {
            return _since is not null || (_backAt is { } back && time.GetElapsedTime(back) < window);
        }
    }

    public void Lost(Exception cause)
    {
        lock (_lock)
        {
            if (_since is not null)
            {
                return;
            }

            _since = time.GetTimestamp();
        }

        CambFleetTelemetry.RecordDatabaseOutage();
        report($"lost {database.Where} ({Why(cause)}); retrying, nothing is lost");
    }

    public void Answered()
    {
        long since;
        lock (_lock)
        {
            if (_since is not { } started)
            {
                return;
            }

            since = started;
            _since = null;
            _backAt = time.GetTimestamp();
        }

        report($"{database.Where} is back after {time.GetElapsedTime(since).TotalSeconds:0.#} s; going on");
        Back?.Invoke();
    }

    /// <summary>The cause in a few words, never a type name or a stack.</summary>
    private static string Why(Exception e) => e switch
    {
        FleetDatabaseException db => db.Problem[(db.Problem.LastIndexOf(": ", StringComparison.Ordinal) + 2)..],
        Npgsql.PostgresException { SqlState: "57P01" or "57P02" } => "the server shut down",
        Npgsql.PostgresException { SqlState: "57P03" } => "the server is starting",
        Npgsql.PostgresException { SqlState: "53300" } => "too many connections",
        Npgsql.PostgresException { SqlState: "40001" or "40P01" } => "a conflict between transactions",
        _ when e.InnerException is { } inner => Why(inner),
        TimeoutException => "no answer in time",
        _ => "the connection broke",
    };
}
