using System.Data.Common;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Npgsql;
using Polly;
using Polly.Retry;

namespace CambApi.Fleet;

/// <summary>
/// How the store meets a database that is briefly away (a restart, a failover, a full connection pool): the operation is
/// tried again with capped exponential backoff and jitter — every operation is a conditional statement or a transaction
/// that reads before it writes, so a second run does what the first would have. A worker retries until the database is
/// back (<see cref="UntilBack"/>) and says once that it lost it and once that it is back; a command a person waits on
/// tries for a few seconds (<see cref="Brief"/>). What no retry can mend — a refused login, a database that does not exist
/// or was emptied, a newer layout — is <see cref="IsFatal"/> and is never retried.
/// </summary>
internal sealed class FleetRetry
{
    private readonly ResiliencePipeline _pipeline;
    private readonly FleetOutage? _outage;

    private FleetRetry(ResiliencePipeline pipeline, FleetOutage? outage) => (_pipeline, _outage) = (pipeline, outage);

    /// <summary>A few tries over about five seconds: for a command a person is waiting on.</summary>
    public static FleetRetry Brief { get; } = new(Build(maxAttempts: 4, TimeProvider.System, outage: null), outage: null);

    /// <summary>Until the database answers (or the worker stops): for a worker, which must never exit on a transient fault.</summary>
    public static FleetRetry UntilBack(FleetOutage outage, TimeProvider time) => new(Build(int.MaxValue, time, outage), outage);

    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var result = await _pipeline.ExecuteAsync(async token => await operation(token), cancellationToken);
        _outage?.Answered();
        return result;
    }

    private static ResiliencePipeline Build(int maxAttempts, TimeProvider time, FleetOutage? outage) =>
        new ResiliencePipelineBuilder { TimeProvider = time }.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e)),
            MaxRetryAttempts = maxAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(250),
            MaxDelay = TimeSpan.FromSeconds(10),
            OnRetry = args =>
            {
                CambFleetTelemetry.RecordDatabaseRetry();
                outage?.Lost(args.Outcome.Exception!);
                return ValueTask.CompletedTask;
            },
        }).Build();

    /// <summary>A failure a later try may not meet: the server restarting, unreachable for now, too busy, a conflict between transactions.</summary>
    public static bool IsTransient(Exception e) => !IsFatal(e) && e switch
    {
        FleetDatabaseException db => db.IsTransient || db.Code == FleetDatabaseException.HostNotFound,
        PostgresException pg => pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "53400" or "40001" or "40P01" or "55P03" or "55006" or "58000" or "58030"
            || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.IsTransient,
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or IOException or TimeoutException,
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED: another writer holds the file
        SocketException or IOException or TimeoutException => true,
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner), // Npgsql wraps a broken connection so
        DbException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    /// <summary>What no retry mends: the login, the database's existence, its tables, its layout.</summary>
    public static bool IsFatal(Exception e) => e switch
    {
        FleetDatabaseException db => db.Code is FleetDatabaseException.LoginRefused or FleetDatabaseException.NoSuchDatabase or
            FleetDatabaseException.NewerSchema or FleetDatabaseException.Emptied,
        PostgresException pg => pg.SqlState is "28P01" or "28000" or "3D000" or "42P01" or "42703",
        _ => e.InnerException is { } inner && IsFatal(inner),
    };
}
