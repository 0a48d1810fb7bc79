using CambApi.Fleet;
using Dapper;
using Npgsql;

namespace CambApi.Tests;

/// <summary>
/// Flat at a million rows, checked where it is decided: every statement a worker runs on its hot path (admit, claim, renew,
/// the checkpoints, a poll, the sweep, the processing rate) and the status read is captured as the store sends it, against
/// a seeded table of 100,000 files in their real proportions, and PostgreSQL's plan for it must not scan the files or
/// the attempts table. An index dropped, or a statement written so no index serves it, turns this red and names it.
/// </summary>
[TestFixture]
[Category("Postgres")]
[NonParallelizable]
public sealed class FleetQueryPlanTests
{
    private const int Rows = 100_000;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [Test]
    public async Task No_hot_statement_scans_the_files_or_the_attempts()
    {
        var folder = Directory.CreateTempSubdirectory("camb-fleet-plans-").FullName;
        try
        {
            var sent = new List<(string Sql, DynamicParameters Parameters)>();
            var capture = false;
            var database = FleetDatabase.Parse(PostgresServer.Instance.CreateDatabase(), folder) with
            {
                Observer = (sql, parameters) =>
                {
                    if (capture)
                    {
                        lock (sent)
                        {
                            sent.Add((sql, parameters));
                        }
                    }
                },
            };
            var store = new FleetStore(database);
            await store.EnsureSchemaAsync(8, CancellationToken.None);
            var now = await database.ScalarAsync<long>("SELECT {now}", null, CancellationToken.None);
            foreach (var statement in FleetSeed.Statements(Rows, now))
            {
                await database.ExecuteAsync(statement, null, CancellationToken.None);
            }

            // Room for a few more at the vendor, so admission goes as far as its update.
            await database.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = (SELECT SUM(files) + 3 FROM camb_fleet_counts WHERE state IN ('admitted', 'uploading', 'processing')), " +
                                        "max_limit = 10000000", null, CancellationToken.None);
            capture = true;
            await FleetHotPath.RunAsync(store, _ => { });
            capture = false;

            var scans = new List<string>();
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            foreach (var (sql, parameters) in sent.DistinctBy(s => s.Sql))
            {
                var plan = string.Join('\n', await connection.QueryAsync<string>("EXPLAIN " + sql, parameters));
                if (plan.Contains("Seq Scan on camb_fleet_files", StringComparison.Ordinal) || plan.Contains("Seq Scan on camb_fleet_attempts", StringComparison.Ordinal))
                {
                    scans.Add($"{sql}\n{plan}");
                }
            }

            Assert.That(sent.Select(s => s.Sql).Distinct().Count(), Is.GreaterThan(25), "the hot path's statements were captured");
            Assert.That(scans, Is.Empty, "statements whose plan scans a big table:\n\n" + string.Join("\n\n", scans));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
