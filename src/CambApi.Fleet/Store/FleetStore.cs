namespace CambApi.Fleet;

/// <summary>
/// The checkpoint tables, on PostgreSQL (a fleet) or SQLite (one machine), with the same SQL, split by role as Hangfire
/// splits its storage: <see cref="Files"/> writes (claims, leases, checkpoints, release), <see cref="Gate"/> holds the
/// fleet's room and pause, <see cref="Monitor"/> reads. All three share <see cref="Database"/>'s connections, its clock
/// and its way of meeting an outage.
/// </summary>
internal sealed class FleetStore
{
    public FleetStore(FleetDatabase database)
    {
        Database = database;
        Files = new FleetFiles(database);
        Gate = new FleetGateStore(database);
        Monitor = new FleetMonitor(database);
    }

    public FleetDatabase Database { get; }

    public FleetFiles Files { get; }

    public FleetGateStore Gate { get; }

    public FleetMonitor Monitor { get; }

    /// <summary>
    /// Creates the tables on first use and upgrades an older layout in place (one transaction); refuses a database laid
    /// out by a newer version, touching nothing.
    /// </summary>
    /// <exception cref="FleetDatabaseException">Unreachable, refused, or newer.</exception>
    public async Task EnsureSchemaAsync(int initialLimit, CancellationToken cancellationToken)
    {
        if (!Database.IsPostgres)
        {
            // Several worker threads (and processes) write the embedded file: WAL lets readers go on while one writes. It
            // is the file's own setting, and cannot be changed inside a transaction.
            await Database.ExecuteAsync("PRAGMA journal_mode=WAL", null, cancellationToken);
        }

        await Database.InTransactionAsync(async session =>
        {
            if (Database.IsPostgres)
            {
                // Workers starting together: one of them creates or upgrades the tables, the others wait and find them.
                await session.ExecuteAsync("SELECT pg_advisory_xact_lock(7261001)");
            }

            await session.ExecuteAsync("CREATE TABLE IF NOT EXISTS camb_fleet_schema (version INTEGER NOT NULL)");
            var version = await session.ScalarAsync<long?>("SELECT MAX(version) FROM camb_fleet_schema") ?? 0;
            if (version > FleetSchema.Version)
            {
                throw new FleetDatabaseException(FleetDatabaseException.NewerSchema,
                    $"{Database.Where} was set up by a newer version of CambApi.Fleet (fleet schema {version}; this one knows {FleetSchema.Version})");
            }

            if (version == FleetSchema.Version)
            {
                return 0;
            }

            foreach (var statement in FleetSchema.Upgrade((int)version, Database.IsPostgres))
            {
                await session.ExecuteAsync(statement);
            }

            await session.ExecuteAsync("DELETE FROM camb_fleet_schema");
            await session.ExecuteAsync("INSERT INTO camb_fleet_schema (version) VALUES (@version)", new { version = FleetSchema.Version });
            if (version == 0)
            {
                await session.ExecuteAsync(
                    "INSERT INTO camb_fleet_gate (id, fleet_limit, max_limit, paused_until, throttled) VALUES (1, @initialLimit, @initialLimit, 0, 0)",
                    new { initialLimit });
            }

            return 1;
        }, holdGate: false, cancellationToken);
    }
}
