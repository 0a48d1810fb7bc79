using System.Text.Json;
using CambApi.Fleet;
using CambApi.Simulator;
using Npgsql;

namespace CambApi.Tests;

/// <summary>
/// The fleet with real parts: a PostgreSQL server, <c>camb simulate</c> in its own process, <c>camb fleet work</c>
/// processes killed with SIGKILL or stopped with SIGTERM. The simulator's line per accepted upload counts what was paid for,
/// across processes; its request log says when each request arrived.
/// </summary>
[TestFixture]
[Category("Slow")]
[Category("Postgres")] // processes and a database server: the whole suite runs it; build/test.sh --fast leaves it out
[NonParallelizable]
public sealed class FleetProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120); // a bound on a wait, never a measure

    private string _dir = null!;
    private string _db = null!;

    [SetUp]
    public void Folder()
    {
        _dir = Directory.CreateTempSubdirectory("camb-fleet-").FullName;
        _db = PostgresServer.Instance.CreateDatabase();
    }

    [TearDown]
    public void Remove()
    {
        TestContext.Out.WriteLine($"(test folder {_dir})");
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary><paramref name="count"/> different WAVs (each its own content) of <paramref name="samples"/> samples, in a folder.</summary>
    private string Inputs(int count, int samples = 16000)
    {
        var folder = Path.Combine(_dir, "in");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < count; i++)
        {
            var wav = new PcmWav(16000, 1, 16, Enumerable.Range(0, samples).Select(s => (int)(Math.Sin(s * 0.003 * (i + 1)) * 9000)).ToArray());
            File.WriteAllBytes(Path.Combine(folder, $"take{i:00}.wav"), wav.ToBytes());
        }

        return folder;
    }

    private CambProcess Camb(SimulatorProcess? simulator, params string[] args) => CambProcess.Start(_dir, simulator?.Environment, args);

    private async Task<(int Exit, string Output)> CambToEndAsync(SimulatorProcess? simulator, params string[] args)
    {
        using var process = Camb(simulator, args);
        var exit = await process.WaitForExitAsync(Bound);
        return (exit, process.Output);
    }

    private async Task<JsonElement> StatusAsync()
    {
        var (exit, output) = await CambToEndAsync(null, "fleet", "status", "--json", "--db", _db);
        Assert.That(exit, Is.Zero, output);
        return JsonDocument.Parse(output).RootElement;
    }

    private static int Count(JsonElement status, string state) => status.GetProperty("counts").GetProperty(state).GetInt32();

    private static List<string> Uploaded(CambProcess worker) =>
        worker.Lines.Where(l => l.Contains(": uploaded (task ", StringComparison.Ordinal)).Select(l => l["camb: ".Length..].Split(':')[0]).ToList();

    [Test]
    public async Task A_worker_killed_while_its_files_are_processing_costs_no_second_upload()
    {
        var inputs = Inputs(12);
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--processing-time", "6s");
        Assert.That((await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db, "--limit", "12")).Exit, Is.Zero);

        List<string> uploadedByA;
        using (var a = Camb(simulator, "fleet", "work", "--db", _db, "--lease", "5s", "--overdue-after", "3s"))
        {
            for (var n = 1; n <= 12; n++)
            {
                await a.WaitForLineAsync(_ => Uploaded(a).Count >= n, Bound, $"{n} uploads by worker A");
            }

            uploadedByA = Uploaded(a);
            a.Signal(9); // SIGKILL: no clean-up, its scheduled and fetched jobs left behind
            await a.WaitForExitAsync(Bound);
        }

        using var b = Camb(simulator, "fleet", "work", "--until-idle", "--db", _db, "--lease", "5s", "--overdue-after", "3s");
        Assert.That(await b.WaitForExitAsync(Bound), Is.Zero, b.Output);

        var status = await StatusAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Count(status, "done"), Is.EqualTo(12), b.Output);
            Assert.That(simulator.AcceptedUploads.Order(), Is.EqualTo(Enumerable.Range(0, 12).Select(i => $"take{i:00}.wav")), "exactly one upload per file");
            Assert.That(uploadedByA, Has.Count.EqualTo(12));
            Assert.That(b.Lines.Where(l => l.Contains("uploading", StringComparison.Ordinal)), Is.Empty, "the survivor only polled and downloaded");
            Assert.That(Directory.GetFiles(Path.Combine(_dir, "out"), "*.wav"), Has.Length.EqualTo(24));
        });
    }

    [Test]
    public async Task A_worker_killed_mid_upload_leaves_that_file_uncertain_until_a_person_releases_it()
    {
        var inputs = Inputs(6);
        // 32 KiB a file at 8 KiB/s: each upload takes about 4 s, long enough to be cut off.
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--upload-rate", "8k", "--processing-time", "1s");
        await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db);

        string cut;
        using (var a = Camb(simulator, "fleet", "work", "--db", _db, "--max-transfers", "1", "--lease", "3s"))
        {
            var line = await a.WaitForLineAsync(l => l.Contains(": uploading (attempt", StringComparison.Ordinal), Bound, "an upload under way");
            cut = line["camb: ".Length..].Split(':')[0];
            a.Signal(9);
            await a.WaitForExitAsync(Bound);
        }

        using (var b = Camb(simulator, "fleet", "work", "--until-idle", "--db", _db, "--max-transfers", "6", "--lease", "3s", "--overdue-after", "3s"))
        {
            Assert.That(await b.WaitForExitAsync(Bound), Is.EqualTo(1), "nothing left automatically, one file needs a person:\n" + b.Output);
            Assert.That(b.Output, Does.Contain($"{cut}: uncertain — the upload was cut off (its worker stopped) before the service returned a task id"));
        }

        var status = await StatusAsync();
        Assert.That((Count(status, "done"), Count(status, "uncertain")), Is.EqualTo((5, 1)));
        Assert.That(status.GetProperty("uncertain")[0].GetProperty("file").GetString(), Is.EqualTo(cut));
        Assert.That(simulator.AcceptedUploads.Count(f => f == cut), Is.LessThanOrEqualTo(1), "at most the one cut off");
        var before = simulator.AcceptedUploads.Count(f => f == cut);

        var (released, output) = await CambToEndAsync(null, "fleet", "release", "--all-uncertain", "--db", _db);
        Assert.That(released, Is.Zero, output);
        Assert.That(output, Does.Contain($"{cut}: it will be uploaded again — the service may charge it twice"));
        Assert.That((await CambToEndAsync(simulator, "fleet", "work", "--until-idle", "--db", _db)).Exit, Is.Zero);
        Assert.That(simulator.AcceptedUploads.Count(f => f == cut), Is.EqualTo(before + 1), "release: one more upload");
        Assert.That(Count(await StatusAsync(), "done"), Is.EqualTo(6));
    }

    /// <summary>
    /// The vendor takes 3 tasks, the fleet's limit is 8, 12 files of 4 s: a refused upload goes back to the gate instead of
    /// retrying underneath it, and the limit comes down to what the vendor held, once per pause, and stays there.
    /// </summary>
    [Test]
    public async Task The_vendors_limit_lowers_the_fleets_to_it_and_no_request_arrives_inside_a_pause()
    {
        var inputs = Inputs(12);
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--max-in-flight", "3", "--processing-time", "4s", "--retry-after", "1s");
        await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db, "--limit", "8");

        using (var worker = Camb(simulator, "fleet", "work", "--until-idle", "--db", _db, "--max-transfers", "8"))
        {
            Assert.That(await worker.WaitForExitAsync(Bound), Is.Zero, worker.Output);
            Assert.That(worker.Output, Does.Contain("the service asked to slow down (HTTP 429): requests pause 1 s"));
        }

        var status = await StatusAsync();
        var requests = simulator.Requests;
        var refused = requests.Where(r => r.Status == 429).ToList();
        // A pause runs from the refusal for Retry-After (1 s); requests already past the gate may land just after the refusal.
        var inside = requests.Where(r => refused.Any(p => r.ArrivedMs > p.ArrivedMs + 250 && r.ArrivedMs < p.ArrivedMs + 950)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(Count(status, "done"), Is.EqualTo(12));
            Assert.That(simulator.AcceptedUploads, Has.Count.EqualTo(12).And.Unique, "one accepted upload per file");
            Assert.That(refused, Is.Not.Empty, "the vendor's limit was met");
            Assert.That(refused, Has.Count.LessThanOrEqualTo(8), "refused uploads for 12 files: the fleet learns the vendor's limit instead of storming it");
            Assert.That(status.GetProperty("limit").GetDouble(), Is.InRange(2, 4), "the settled limit is within 1 of the vendor's 3");
            Assert.That(inside.Select(r => $"{r.Method} {r.Path} at +{r.ArrivedMs - refused[0].ArrivedMs} ms"), Is.Empty, "no API request inside a pause");
        });
    }

    /// <summary>
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set: the worker sends the fleet's and the library's spans and metrics to that collector
    /// (here WireMock, answering OTLP/HTTP), and flushes them as it ends; no export carries the key.
    /// </summary>
    [Test]
    public async Task A_worker_exports_its_telemetry_over_otlp_when_the_standard_variable_names_a_collector()
    {
        var inputs = Inputs(2);
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--processing-time", "1s");
        await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db);
        using var collector = WireMock.Server.WireMockServer.Start();
        collector.Given(WireMock.RequestBuilders.Request.Create().WithPath("/v1/*").UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/x-protobuf"));
        var environment = new Dictionary<string, string>(simulator.Environment)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url!,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        };

        using (var worker = CambProcess.Start(_dir, environment, "fleet", "work", "--until-idle", "--db", _db))
        {
            Assert.That(await worker.WaitForExitAsync(Bound), Is.Zero, worker.Output);
            Assert.That(worker.Lines[0], Does.EndWith("; telemetry to OTEL_EXPORTER_OTLP_ENDPOINT"));
        }

        var exports = collector.LogEntries.Select(e => (e.RequestMessage!.Path, Body: System.Text.Encoding.UTF8.GetString(e.RequestMessage.BodyAsBytes ?? []))).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exports.Where(e => e.Path == "/v1/traces").Select(e => e.Body), Has.Some.Contains("camb.fleet.step").And.Some.Contains("camb.upload"),
                "the fleet's steps and the library's calls under them");
            Assert.That(exports.Where(e => e.Path == "/v1/metrics").Select(e => e.Body), Has.Some.Contains("camb.fleet.uploads").And.Some.Contains("camb.fleet.files"));
            Assert.That(exports.Select(e => e.Body), Has.None.Contains(simulator.ApiKey), "never the key");
        });
    }

    [Test]
    public async Task The_embedded_store_needs_no_server_and_a_second_run_uploads_nothing()
    {
        var inputs = Inputs(3);
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--processing-time", "1s");

        Assert.That((await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out")).Output, Does.Contain("submitted 3 file(s) to the embedded store"));
        var (exit, output) = await CambToEndAsync(simulator, "fleet", "work", "--until-idle");
        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("nothing left to do: 3 file(s) done"));

        var again = await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out");
        Assert.That(again.Output, Does.Contain("submitted 0 file(s)").And.Contain("3 already known"));
        Assert.That((await CambToEndAsync(simulator, "fleet", "work", "--until-idle")).Exit, Is.Zero);
        Assert.That(simulator.AcceptedUploads, Has.Count.EqualTo(3), "the second run uploads nothing");
        Assert.That(File.Exists(Path.Combine(_dir, ".camb-fleet.db")), Is.True);
    }

    /// <summary>SIGTERM is Ctrl+C for a worker too: an upload under way finishes within the grace, its task id saved.</summary>
    [Test]
    public async Task Sigterm_lets_an_upload_under_way_finish_so_the_file_is_not_uncertain()
    {
        var inputs = Inputs(2);
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--upload-rate", "8k", "--processing-time", "30s");
        await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db);

        using var worker = Camb(simulator, "fleet", "work", "--db", _db, "--max-transfers", "1", "--shutdown-timeout", "8s");
        var line = await worker.WaitForLineAsync(l => l.Contains(": uploading (attempt", StringComparison.Ordinal), Bound, "an upload under way");
        var file = line["camb: ".Length..].Split(':')[0];
        worker.Signal(15);

        Assert.That(await worker.WaitForExitAsync(Bound), Is.EqualTo(143), worker.Output);
        Assert.That(worker.Output, Does.Contain($"{file}: uploaded (task ").And.Contain("camb: fleet worker stopped: 1 upload(s) finished during the stop"));
        var status = await StatusAsync();
        Assert.That((Count(status, "processing"), Count(status, "uncertain")), Is.EqualTo((1, 0)), "its task id was saved: only polled from here");
        Assert.That(simulator.AcceptedUploads, Is.EqualTo(new[] { file }), "the other file was not started during the stop");
    }

    [Test]
    public async Task A_second_signal_quits_at_once_and_the_cut_upload_is_uncertain()
    {
        var inputs = Inputs(1, samples: 64000);
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--upload-rate", "8k");
        await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db);

        using (var worker = Camb(simulator, "fleet", "work", "--db", _db, "--shutdown-timeout", "60s", "--lease", "3s"))
        {
            await worker.WaitForLineAsync(l => l.Contains(": uploading (attempt", StringComparison.Ordinal), Bound, "an upload under way");
            worker.Signal(15);
            await worker.WaitForLineAsync(l => l.StartsWith("camb: stopping on SIGTERM", StringComparison.Ordinal), Bound, "the first signal's line");
            worker.Signal(15);
            Assert.That(await worker.WaitForExitAsync(TimeSpan.FromSeconds(20)), Is.EqualTo(143), "quits at once, not after the 60 s grace:\n" + worker.Output);
        }

        using var sweeper = Camb(simulator, "fleet", "work", "--until-idle", "--db", _db, "--lease", "3s");
        Assert.That(await sweeper.WaitForExitAsync(Bound), Is.EqualTo(1), sweeper.Output);
        Assert.That(Count(await StatusAsync(), "uncertain"), Is.EqualTo(1));
        Assert.That(simulator.AcceptedUploads, Is.Empty);
    }

    [Test]
    public async Task An_unreachable_or_malformed_database_is_one_line_and_nothing_is_submitted()
    {
        var inputs = Inputs(1);

        var (exit, output) = await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", "Host=127.0.0.1;Port=1;Username=fleet;Database=catalogue");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output.Trim(), Is.EqualTo(
            "camb: cannot reach PostgreSQL at 127.0.0.1:1, database catalogue: connection refused — check the host and port in --db (or CAMB_FLEET_DB) and that the server runs; nothing was changed"));

        (exit, output) = await CambToEndAsync(null, "fleet", "status", "--db", "not a connection string");
        Assert.That((exit, output.Trim()), Is.EqualTo((2,
            "camb: --db takes an Npgsql connection string (Host=…;Port=…;Username=…;Database=…) or a postgres://user@host:port/database URL; nothing was changed")));
        Assert.That(File.Exists(Path.Combine(_dir, ".camb-fleet.db")), Is.False, "no embedded store made instead");
    }

    [Test]
    public async Task A_database_from_a_newer_camb_is_refused_untouched()
    {
        var inputs = Inputs(1);
        await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db);
        await using (var connection = new NpgsqlConnection(_db))
        {
            await connection.OpenAsync();
            await using var bump = new NpgsqlCommand($"UPDATE camb_fleet_schema SET version = {FleetSchema.Version + 1}", connection);
            await bump.ExecuteNonQueryAsync();
        }

        var (exit, output) = await CambToEndAsync(null, "fleet", "work", "--until-idle", "--db", _db);

        Assert.That(exit, Is.EqualTo(2));
        Assert.That(output, Does.Contain(
            $"was set up by a newer version of CambApi.Fleet (fleet schema {FleetSchema.Version + 1}; this one knows {FleetSchema.Version}) — upgrade camb on this machine; nothing was changed"));
    }
}
