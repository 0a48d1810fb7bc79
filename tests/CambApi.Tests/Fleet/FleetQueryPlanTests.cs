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
            await RunTheHotPathAsync(store);
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

    /// <summary>Each step of a file's life once, as workers and a status read run them.</summary>
    private static async Task RunTheHotPathAsync(FleetStore store)
    {
        var none = CancellationToken.None;
        var db = store.Database;
        string Any(string state) => db.ScalarAsync<string>($"SELECT sha256 FROM camb_fleet_files WHERE state = '{state}' LIMIT 1", null, none).GetAwaiter().GetResult();

        await store.Files.SubmitAsync([new NewFile(new string('e', 64), "/in/new.wav", "new.wav", "/out/new", "new", 1000, 4.0)], none);
        var admitted = (await store.Files.AdmitAsync(none))[0];
        var claimed = (await store.Files.ClaimUploadAsync(admitted.Sha256, admitted.Attempt, "w1", Lease, none))!;
        await store.Files.RenewLeaseAsync(claimed.Sha256, claimed.Attempt, "w1", Lease, none);
        await store.Files.RecordTaskAsync(claimed.Sha256, claimed.Attempt, "t-new", TimeSpan.FromSeconds(5), none);
        await store.Gate.AcceptedAsync(none);

        var processing = (await store.Monitor.ReadAsync(Any("processing"), none))!.File;
        await store.Files.RecordPollAsync(processing.Sha256, processing.NextStepAt, TimeSpan.FromSeconds(5), none);
        var postponed = (await store.Monitor.GetAsync(Any("processing"), none))!;
        await store.Files.PostponeAsync(postponed.Sha256, postponed.NextStepAt, TimeSpan.FromSeconds(5), none);
        await store.Files.RecordRunAsync(processing.Sha256, 42, none);
        await store.Files.ClaimDownloadAsync(processing.Sha256, "w1", Lease, none);
        await store.Files.RecordTrackAsync(processing.Sha256, SeparationTrack.Foreground, "/out/x.foreground.wav", none);
        await store.Files.MarkDoneAsync(processing.Sha256, "w1", none);
        var ready = Any("ready");
        await store.Files.ClaimDownloadAsync(ready, "w1", Lease, none);
        await store.Files.HandBackAsync(ready, "w1", TimeSpan.FromSeconds(10), none);
        await store.Files.MarkFailedAsync(Any("processing"), FleetFileState.Processing, "task_failed", "failed", none);

        async Task<FleetFile> ClaimAdmitted()
        {
            var file = (await store.Monitor.GetAsync(Any("admitted"), none))!;
            return (await store.Files.ClaimUploadAsync(file.Sha256, file.Attempt, "w2", Lease, none))!;
        }

        var other = await ClaimAdmitted();
        await store.Files.MarkUncertainAsync(other.Sha256, other.Attempt, "upload_unanswered", "may be charged", none);
        var third = await ClaimAdmitted();
        await store.Files.ReturnToNewAsync(third.Sha256, third.Attempt, "busy", "busy", none);
        await store.Files.RecordTaskAsync(third.Sha256, third.Attempt - 1, "late", TimeSpan.Zero, none); // a late answer, noted
        await store.Files.UnadmitAsync(Any("admitted"), none);

        await store.Files.ExpireUploadsAsync(none);
        await store.Files.TakeOverdueAsync(TimeSpan.FromSeconds(30), 500, none);
        await store.Gate.ReadAsync(none);
        await store.Gate.ThrottledAsync(TimeSpan.FromSeconds(1), none);
        await store.Monitor.ProcessingRateAsync(none);
        await store.Monitor.UnfinishedAsync(none);
        await store.Monitor.StatusAsync(none);
        await store.Files.ReleaseAsync(Any("uncertain")[..12], none);
    }
}
