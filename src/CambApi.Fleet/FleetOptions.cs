namespace CambApi.Fleet;

/// <summary>How a fleet is reached and how its workers behave. Every machine of a fleet names the same <see cref="Database"/>.</summary>
public sealed class FleetOptions
{
    /// <summary>
    /// An Npgsql connection string or a <c>postgres://</c> URL for a fleet; null for the embedded store in
    /// <see cref="EmbeddedFolder"/> (one machine, no server).
    /// </summary>
    public string? Database { get; set; }

    /// <summary>Where the embedded store's file is (default: the current folder).</summary>
    public string EmbeddedFolder { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>This worker's name in claims, the dashboard and its lines (default: machine and process).</summary>
    public string WorkerName { get; set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// Hangfire workers in this process: they run uploads and the steps other workers handed on; this worker's own status
    /// reads run on its timers, so a few are enough.
    /// </summary>
    public int WorkerCount { get; set; } = 4;

    /// <summary>
    /// PostgreSQL connections this worker may hold at once, its steps and Hangfire's together (default 4: twenty workers fit
    /// a default server's 100). Past that, put PgBouncer in transaction mode in front of the server. Ignored for the
    /// embedded store.
    /// </summary>
    public int MaxDatabaseConnections { get; set; } = 4;

    /// <summary>
    /// Where a worker keeps the task ids the vendor returned until the database holds them (default: a
    /// <c>.camb-fleet-spool</c> folder in <see cref="EmbeddedFolder"/>). Workers on one machine may share it.
    /// </summary>
    public string? SpoolFolder { get; set; }

    /// <summary>Uploads and downloads at once on this machine: its bandwidth, separate from tasks waiting at the vendor (which cost nothing).</summary>
    public int MaxTransfers { get; set; } = 4;

    /// <summary>The fleet's ceiling on files at the vendor at once, stored in the database for every worker; null keeps the stored one (8 at first).</summary>
    public int? FleetLimit { get; set; }

    /// <summary>How long a claim (an upload, a download) lives without renewal: a dead worker's files move on after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A job this late with no live claim is taken as lost (its worker died) and enqueued again. Null (the default) takes
    /// 30 s for PostgreSQL and 5 s for the embedded store, whose jobs live in a worker's memory and die with it.
    /// </summary>
    public TimeSpan? OverdueAfter { get; set; }

    /// <summary>How often each worker admits files, expires dead uploads and re-enqueues lost jobs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>On SIGTERM or Ctrl+C, how long an upload in progress may go on so its task id is saved (under the 10 s container managers allow).</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How often an idle Hangfire worker looks for a job in PostgreSQL.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The clock for this process's own waits (renewals, the grace period, cached readings). Leases, due times and pauses
    /// are the database's: they are never read from this clock.
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal string SpoolFolderFor() => SpoolFolder ?? Path.Combine(EmbeddedFolder, ".camb-fleet-spool");

    /// <summary>The database as the fleet's own statements use it: within their share of <see cref="MaxDatabaseConnections"/>.</summary>
    internal FleetDatabase ResolveDatabase() => FleetDatabase.Parse(Database, EmbeddedFolder).WithMaxConnections(ConnectionBudget().Store, "camb-fleet");

    /// <summary>The connection budget split between the fleet's own statements and Hangfire's storage (at least one each).</summary>
    internal (int Store, int Jobs) ConnectionBudget()
    {
        var budget = Math.Max(2, MaxDatabaseConnections);
        return (budget - (budget / 2), budget / 2);
    }

    /// <summary><see cref="OverdueAfter"/>, or its default for <paramref name="database"/>.</summary>
    internal TimeSpan OverdueAfterFor(FleetDatabase database) => OverdueAfter ?? TimeSpan.FromSeconds(database.IsPostgres ? 30 : 5);
}
