using Dapper;

namespace CambApi.Fleet;

/// <summary>
/// The checkpoint tables, on PostgreSQL (a fleet) or SQLite (one machine), with the same SQL, split by role as Hangfire
/// splits its storage: <see cref="Files"/> writes (claims, leases, checkpoints, release), <see cref="Gate"/> holds the
/// fleet's room and pause, <see cref="Monitor"/> reads. All three share <see cref="Database"/>'s connections.
/// </summary>
internal sealed class FleetStore
{
    /// <summary>The layout this version writes and reads. A database with a newer one is refused, untouched.</summary>
    public const int SchemaVersion = 1;

    private readonly TimeProvider _time;

    public FleetStore(FleetDatabase database, TimeProvider time)
    {
        (Database, _time) = (database, time);
        Files = new FleetFiles(database, time);
        Gate = new FleetGateStore(database, time);
        Monitor = new FleetMonitor(database);
    }

    public FleetDatabase Database { get; }

    public FleetFiles Files { get; }

    public FleetGateStore Gate { get; }

    public FleetMonitor Monitor { get; }

    public long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates the tables on first use; refuses a database laid out by a newer version, touching nothing.</summary>
    /// <exception cref="FleetDatabaseException">Unreachable, refused, or newer.</exception>
    public async Task EnsureSchemaAsync(int initialLimit, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(cancellationToken);
        if (!Database.IsPostgres)
        {
            // Several worker threads (and processes) write the embedded file: WAL lets readers go on while one writes.
            await connection.ExecuteAsync("PRAGMA journal_mode=WAL");
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (Database.IsPostgres)
        {
            // Workers starting together: one of them creates the tables, the others wait and find them.
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(7261001)", transaction: transaction);
        }

        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS camb_fleet_schema (version INTEGER NOT NULL)", transaction: transaction);
        var version = await connection.ExecuteScalarAsync<long?>("SELECT MAX(version) FROM camb_fleet_schema", transaction: transaction);
        if (version > SchemaVersion)
        {
            throw new FleetDatabaseException(FleetDatabaseException.NewerSchema,
                $"{Database.Where} was set up by a newer version of CambApi.Fleet (fleet schema {version}; this one knows {SchemaVersion})");
        }

        if (version is null)
        {
            foreach (var statement in FleetSchema.Create)
            {
                await connection.ExecuteAsync(statement, transaction: transaction);
            }

            await connection.ExecuteAsync("INSERT INTO camb_fleet_schema (version) VALUES (@SchemaVersion)", new { SchemaVersion }, transaction);
            await connection.ExecuteAsync(
                "INSERT INTO camb_fleet_gate (id, fleet_limit, max_limit, paused_until, throttled) VALUES (1, @initialLimit, @initialLimit, 0, 0)",
                new { initialLimit }, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
