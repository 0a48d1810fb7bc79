using CambApi.Simulator;
using Npgsql;

namespace CambApi.Tests;

/// <summary>
/// The fleet's dashboard as a person sees it: <c>camb fleet dashboard</c> in its own process, loaded in headless Chromium
/// (Debian's package; <c>.ci/run</c> installs it). It shows the counters and each file's task id — and never the key or a
/// presigned URL's signature. The screenshot in docs/fleet.md is the one this test takes.
/// </summary>
[TestFixture]
[Category("Slow")]
[Category("Postgres")]
[NonParallelizable]
public sealed class FleetDashboardTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Test]
    public async Task The_dashboard_shows_counters_and_task_ids_and_never_the_key()
    {
        var chromium = LocalTools.Chromium();
        Assert.That(chromium, Is.Not.Null, LocalTools.ChromiumMissing);
        var dir = Directory.CreateTempSubdirectory("camb-dashboard-").FullName;
        var db = PostgresServer.Instance.CreateDatabase();
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "in"));
            for (var i = 0; i < 3; i++)
            {
                File.WriteAllBytes(Path.Combine(dir, "in", $"episode{i}.wav"),
                    new PcmWav(16000, 1, 16, Enumerable.Range(0, 8000).Select(s => (int)(Math.Sin(s * 0.01 * (i + 1)) * 9000)).ToArray()).ToBytes());
            }

            using var simulator = await SimulatorProcess.StartAsync(dir, "--processing-time", "1s");
            using (var submit = CambProcess.Start(dir, null, "fleet", "submit", "in", "--out", "out", "--db", db))
            {
                Assert.That(await submit.WaitForExitAsync(Bound), Is.Zero, submit.Output);
            }

            using (var work = CambProcess.Start(dir, simulator.Environment, "fleet", "work", "--until-idle", "--db", db))
            {
                Assert.That(await work.WaitForExitAsync(Bound), Is.Zero, work.Output);
            }

            string taskId;
            await using (var connection = new NpgsqlConnection(db))
            {
                await connection.OpenAsync();
                await using var query = new NpgsqlCommand("SELECT task_id FROM camb_fleet_files ORDER BY file_name LIMIT 1", connection);
                taskId = (string)(await query.ExecuteScalarAsync())!;
            }

            using var dashboard = CambProcess.Start(dir, null, "fleet", "dashboard", "--db", db);
            var line = await dashboard.WaitForLineAsync(l => l.StartsWith("camb: fleet dashboard at ", StringComparison.Ordinal), Bound, "the dashboard's address");
            var url = line["camb: fleet dashboard at ".Length..].Split(' ')[0];

            var page = Chromium(chromium!, dir, "--dump-dom", url);
            var jobs = Chromium(chromium!, dir, "--dump-dom", url.TrimEnd('/') + "/hangfire/jobs/succeeded");
            var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "fleet-dashboard.png");
            Chromium(chromium!, dir, $"--screenshot={screenshot}", "--window-size=1200,560", url);

            Assert.Multiple(() =>
            {
                Assert.That(page, Does.Contain("<h1>CambApi fleet</h1>"));
                Assert.That(page, Does.Contain("""<span class="counter" id="count-done"><b>3</b>done</span>"""));
                Assert.That(page, Does.Contain(taskId), "each file's task id");
                Assert.That(jobs, Does.Contain("episode0.wav"), "Hangfire's page lists the jobs by file name");
                Assert.That(page + jobs, Does.Not.Contain(simulator.ApiKey), "never the key");
                Assert.That(page + jobs, Does.Not.Contain("sig=").And.Not.Contain("Signature"), "never a presigned signature");
                Assert.That(new FileInfo(screenshot).Length, Is.GreaterThan(10_000), "a screenshot was taken");
            });
            TestContext.AddTestAttachment(screenshot, "the fleet dashboard (docs/fleet.md shows this one)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Headless Chromium with a fresh profile and no background traffic (this machine's network is closed).</summary>
    private static string Chromium(string chromium, string dir, params string[] args)
    {
        var profile = Directory.CreateDirectory(Path.Combine(dir, "chromium-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var (exit, output) = Commands.Run(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", $"--user-data-dir={profile}", .. args]);
        Assert.That(exit, Is.Zero, output);
        return output;
    }
}
