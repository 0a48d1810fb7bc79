using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace CambApi.Fleet;

/// <summary>
/// Hangfire's job storage for a fleet, built in one place for the worker and the dashboard: PostgreSQL (beside the fleet's
/// tables, in its own schema) for a fleet; in memory for the embedded store, where jobs live with the worker's process and
/// the rows outlive it (the next worker re-enqueues what was lost). Each <see cref="CambFleet"/> builds it once, so a
/// worker and a dashboard in one process show the same jobs.
/// </summary>
internal static class FleetJobStorage
{
    /// <summary>The PostgreSQL schema Hangfire's tables live in, apart from the fleet's own.</summary>
    public const string PostgresSchema = "camb_hangfire";

    /// <summary>The advisory lock Hangfire's schema is prepared under (the fleet's own tables use the one beside it).</summary>
    private const long SchemaLock = 7261002;

    public static JobStorage Create(FleetDatabase database, FleetOptions options)
    {
        if (!database.IsPostgres)
        {
            return new InMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = ShortLivedJobAttribute.Keep });
        }

        var postgres = new PostgreSqlStorageOptions
        {
            SchemaName = PostgresSchema,
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = options.QueuePollInterval,
            // Kept alive while its worker lives; a dead worker's job is fetched again after this (the sweep may be first).
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromMinutes(2),
            AllowDegradedModeWithoutStorage = false, // the database was checked already; a failure now is one to see
            // Hangfire.PostgreSql 1.21 retries a failed start by itself for up to half a minute, sleeping without a word;
            // the fleet's own retry (below) tries again and says so.
            StartupConnectionMaxRetries = 0,
        };
        // Hangfire's share of the worker's connection budget: its own pool, apart from the fleet's statements.
        var jobs = database.WithMaxConnections(options.ConnectionBudget().Jobs, "camb-fleet-jobs");
        try
        {
            // Hangfire prepares its schema as it is built: a database that is away is tried again briefly, like any statement.
            return FleetRetry.Brief.RunAsync(async token =>
            {
                // Workers started together would run Hangfire's schema scripts at once, and all but one fail on the
                // objects the first creates: one at a time, under a lock of the database's, the later ones find it done.
                await using var connection = await database.OpenAsync(token);
                await using (var lockSchema = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({SchemaLock})", (Npgsql.NpgsqlConnection)connection))
                {
                    await lockSchema.ExecuteNonQueryAsync(token);
                }

                return (JobStorage)new PostgreSqlStorage(new NpgsqlConnectionFactory(jobs.ConnectionString, postgres, null), postgres);
            }, CancellationToken.None).GetAwaiter().GetResult(); // the lock goes with the connection
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException && e is not FleetDatabaseException)
        {
            throw FleetDatabaseErrors.Describe(database, e.InnerException ?? e); // one line, never Hangfire's or a provider's type
        }
    }
}
