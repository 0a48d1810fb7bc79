using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;

namespace CambApi.Tests;

/// <summary>
/// The faults a production fleet meets, each injected on purpose against real parts (a PostgreSQL server of the test's
/// own that it stops and starts, <c>camb simulate</c>, <c>camb fleet work</c> processes, a clock skewed with faketime): the
/// fleet keeps its promise — paid once, nothing lost, keeps going — and says what happened in one line, never a stack trace.
/// </summary>
[TestFixture]
[Category("Slow")]
[Category("Postgres")]
[NonParallelizable]
public sealed class FleetFaultTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120); // a bound on a wait, never a measure

    private string _dir = null!;
    private string _db = null!;
    private PostgresServer? _own;

    [SetUp]
    public void Folder()
    {
        _dir = Directory.CreateTempSubdirectory("camb-fleet-fault-").FullName;
        _db = PostgresServer.Instance.CreateDatabase();
    }

    [TearDown]
    public void Remove()
    {
        _own?.Dispose();
        _own = null;
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A server of this test's own, to stop and start; the test's database moves to it.</summary>
    private PostgresServer OwnServer()
    {
        _own = PostgresServer.StartOwn();
        _db = _own.CreateDatabase();
        return _own;
    }

    private string Inputs(int count, int samples = 16000)
    {
        var folder = Path.Combine(_dir, "in");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < count; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"take{i:00}.wav"), TestAudio.Wav(samples: samples + i));
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

    /// <summary>Every task id the fleet's rows know, on the file or on an attempt's record.</summary>
    private async Task<HashSet<string>> KnownTasksAsync()
    {
        await using var connection = new NpgsqlConnection(_db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT task_id FROM camb_fleet_files WHERE task_id IS NOT NULL UNION SELECT task_id FROM camb_fleet_attempts WHERE task_id IS NOT NULL", connection);
        var known = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            known.Add(reader.GetString(0));
        }

        return known;
    }

    private static void NoStackTrace(params CambProcess[] processes)
    {
        foreach (var process in processes)
        {
            Assert.That(process.Lines.Where(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)),
                Is.Empty, process.Output);
        }
    }

    [Test]
    public async Task A_database_restart_is_waited_out_by_every_worker_and_nothing_is_lost_or_paid_twice()
    {
        var server = OwnServer();
        var inputs = Inputs(12);
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--processing-time", "3s");
        Assert.That((await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db, "--limit", "6")).Exit, Is.Zero);

        using var a = Camb(simulator, "fleet", "work", "--until-idle", "--db", _db);
        using var b = Camb(simulator, "fleet", "work", "--until-idle", "--db", _db);
        // The outage starts with the fleet's first paid upload, whichever worker made it (both stay until all 12 are done).
        await CambProcess.WaitForLineInAnyAsync([a, b], l => l.Contains(": uploaded (task ", StringComparison.Ordinal), Bound, "first upload");

        server.Stop();
        var lost = $"camb: lost PostgreSQL at 127.0.0.1:{server.Port}";
        await a.WaitForLineAsync(l => l.StartsWith(lost, StringComparison.Ordinal) && l.EndsWith("; retrying, nothing is lost", StringComparison.Ordinal), Bound, "A's outage line");
        await b.WaitForLineAsync(l => l.StartsWith(lost, StringComparison.Ordinal), Bound, "B's outage line");
        server.Restart();

        Assert.That(await a.WaitForExitAsync(Bound), Is.Zero, a.Output);
        Assert.That(await b.WaitForExitAsync(Bound), Is.Zero, b.Output);
        var status = await StatusAsync();
        var known = await KnownTasksAsync();
        Assert.Multiple(() =>
        {
            Assert.That(Count(status, "done"), Is.EqualTo(12));
            Assert.That(simulator.AcceptedUploads, Has.Count.EqualTo(12).And.Unique, "one accepted upload per file");
            Assert.That(known, Is.SupersetOf(simulator.IssuedTasks), "every task the vendor issued is in the rows");
            Assert.That(a.Lines.Count(l => l.Contains($"PostgreSQL at 127.0.0.1:{server.Port}, database") && l.Contains(" is back after ")), Is.EqualTo(1), a.Output);
            NoStackTrace(a, b);
        });
    }

    /// <summary>
    /// Uploads under way go on while the database is away past their lease; another worker, back first, declares them
    /// uncertain (by the database's clock nobody renewed them); then their answers arrive, each for the latest attempt of
    /// its file, and are adopted: nothing stays uncertain, nothing is paid twice.
    /// </summary>
    [Test]
    public async Task Uploads_that_outlive_an_outage_longer_than_their_lease_are_adopted_not_left_uncertain()
    {
        var server = OwnServer();
        var inputs = Inputs(4, samples: 16000); // 32 KiB a file at 8 KiB/s: about 4 s an upload
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--upload-rate", "8k", "--processing-time", "1s");
        Assert.That((await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db, "--limit", "4")).Exit, Is.Zero);

        using var worker = Camb(simulator, "fleet", "work", "--until-idle", "--db", _db, "--lease", "2s", "--max-transfers", "4");
        // Under way at the service, not only claimed: a request not yet sent waits for the gate's database read instead.
        await simulator.Process.WaitForLineAsync(_ => simulator.UploadsArriving >= 4, Bound, "4 uploads arriving at the service");

        server.Stop();
        // Longer than the 2-s lease: until the vendor has accepted two of the uploads (each takes about 4 s).
        await simulator.Process.WaitForLineAsync(_ => simulator.AcceptedUploads.Count >= 2, Bound, "two uploads accepted during the outage");
        worker.Signal(19); // SIGSTOP: its checkpoints wait while another worker, back first, sweeps
        server.Restart();
        using (var sweeper = Camb(simulator, "fleet", "work", "--until-idle", "--db", _db, "--lease", "2s"))
        {
            Assert.That(await sweeper.WaitForExitAsync(Bound), Is.EqualTo(1), "every file uncertain for now:\n" + sweeper.Output);
        }

        worker.Signal(18); // SIGCONT: the answers arrive late
        Assert.That(await worker.WaitForExitAsync(Bound), Is.Zero, worker.Output);
        var status = await StatusAsync();
        var known = await KnownTasksAsync();
        Assert.Multiple(() =>
        {
            Assert.That((Count(status, "done"), Count(status, "uncertain")), Is.EqualTo((4, 0)), worker.Output);
            Assert.That(simulator.AcceptedUploads, Has.Count.EqualTo(4).And.Unique);
            Assert.That(known, Is.SupersetOf(simulator.IssuedTasks));
            NoStackTrace(worker);
        });
    }

    /// <summary>A worker whose clock runs 10 minutes ahead declares no other worker's upload dead: leases are the database's.</summary>
    [Test]
    public async Task A_worker_whose_clock_is_ten_minutes_ahead_declares_nothing_dead()
    {
        var inputs = Inputs(4);
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--upload-rate", "8k", "--processing-time", "1s");
        Assert.That((await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db, "--limit", "4")).Exit, Is.Zero);

        using var a = Camb(simulator, "fleet", "work", "--until-idle", "--db", _db, "--lease", "5s", "--max-transfers", "4");
        await a.WaitForLineAsync(l => l.Contains(": uploading (attempt", StringComparison.Ordinal), Bound, "A's uploads under way");
        using var skewed = CambProcess.StartSkewed(TimeSpan.FromMinutes(10), _dir, simulator.Environment, "fleet", "work", "--until-idle", "--db", _db, "--lease", "5s");

        Assert.That(await a.WaitForExitAsync(Bound), Is.Zero, a.Output);
        Assert.That(await skewed.WaitForExitAsync(Bound), Is.Zero, skewed.Output);
        var status = await StatusAsync();
        Assert.Multiple(() =>
        {
            Assert.That((Count(status, "done"), Count(status, "uncertain")), Is.EqualTo((4, 0)), skewed.Output);
            Assert.That(simulator.AcceptedUploads, Has.Count.EqualTo(4).And.Unique);
            Assert.That(skewed.Lines.Where(l => l.Contains("uncertain", StringComparison.Ordinal)), Is.Empty);
            NoStackTrace(a, skewed);
        });
    }

    [Test]
    public async Task An_input_changed_after_submit_is_failed_as_changed_and_nothing_is_uploaded_for_it()
    {
        var inputs = Inputs(2);
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--processing-time", "1s");
        Assert.That((await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db)).Exit, Is.Zero);
        File.WriteAllBytes(Path.Combine(inputs, "take00.wav"), TestAudio.Wav(samples: 12345)); // another recording under the same name

        var (exit, output) = await CambToEndAsync(simulator, "fleet", "work", "--until-idle", "--db", _db);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("camb: take00.wav: changed since it was submitted; failed, nothing was uploaded"));
        var status = await StatusAsync();
        Assert.That(status.GetProperty("failures").GetProperty("input_changed").GetInt32(), Is.EqualTo(1));
        Assert.That(simulator.AcceptedUploads, Is.EqualTo(new[] { "take01.wav" }), "the changed file's upload was cut off before it was whole");
    }

    [Test]
    public async Task A_changed_file_submitted_again_to_the_same_output_is_refused_before_anything_is_registered()
    {
        var inputs = Inputs(1);
        Assert.That((await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db)).Exit, Is.Zero);
        File.WriteAllBytes(Path.Combine(inputs, "take00.wav"), TestAudio.Wav(samples: 12345));

        var (exit, output) = await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db);

        Assert.That(exit, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("take00.wav would write take00.foreground/background in ").And.Contain("which the fleet's take00.wav (another content, "));
        Assert.That(Count(await StatusAsync(), "new"), Is.EqualTo(1), "nothing registered");
    }

    [Test]
    public async Task A_refused_key_stops_that_worker_and_leaves_its_file_for_another()
    {
        var inputs = Inputs(1);
        using var simulator = await SimulatorProcess.StartAsync(_dir);
        await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db);
        var wrongKey = new Dictionary<string, string>(simulator.Environment) { ["CAMB_API_KEY"] = "not-the-key" };

        using var worker = CambProcess.Start(_dir, wrongKey, "fleet", "work", "--until-idle", "--db", _db);

        Assert.That(await worker.WaitForExitAsync(Bound), Is.EqualTo(1), worker.Output);
        Assert.That(worker.Lines[^1], Is.EqualTo(
            "camb: this worker's API key was refused (HTTP 401): it stops, and its files go to the other workers — check the key this machine is given"));
        var status = await StatusAsync();
        Assert.That((Count(status, "new"), Count(status, "failed")), Is.EqualTo((1, 0)), "the file is not failed: another worker can finish it");
        Assert.That((await CambToEndAsync(simulator, "fleet", "work", "--until-idle", "--db", _db)).Exit, Is.Zero, "a worker with the key does");
        NoStackTrace(worker);
    }

    [Test]
    public async Task Tables_dropped_under_a_running_worker_stop_it_cleanly_with_one_line()
    {
        var inputs = Inputs(1);
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--processing-time", "60s");
        await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db);
        using var worker = Camb(simulator, "fleet", "work", "--db", _db);
        await worker.WaitForLineAsync(l => l.Contains(": uploaded (task ", StringComparison.Ordinal), Bound, "the upload");

        await using (var connection = new NpgsqlConnection(_db))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand("DROP TABLE camb_fleet_files CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        Assert.That(await worker.WaitForExitAsync(Bound), Is.EqualTo(1), worker.Output);
        Assert.That(worker.Lines[^1], Does.EndWith("the fleet's tables are gone — restore the database, or submit the files again"));
        NoStackTrace(worker);
    }

    /// <summary>A release after output_exists downloads the known run: it never uploads (pays) again.</summary>
    [Test]
    public async Task Releasing_a_file_whose_output_was_in_the_way_downloads_its_run_and_uploads_nothing()
    {
        var inputs = Inputs(1);
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--processing-time", "1s");
        await CambToEndAsync(null, "fleet", "submit", inputs, "--out", "out", "--db", _db);
        Directory.CreateDirectory(Path.Combine(_dir, "out"));
        var foreign = Path.Combine(_dir, "out", "take00.foreground.wav");
        File.WriteAllText(foreign, "someone else's file");

        Assert.That((await CambToEndAsync(simulator, "fleet", "work", "--until-idle", "--db", _db)).Exit, Is.EqualTo(1));
        File.Delete(foreign);
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(inputs, "take00.wav"))));
        var (released, output) = await CambToEndAsync(null, "fleet", "release", hash[..12], "--db", _db);

        Assert.That(released, Is.Zero, output);
        Assert.That(output, Does.Match($@"released {hash[..12]} take00\.wav: run \d+ is downloaded, nothing is uploaded again"));
        Assert.That((await CambToEndAsync(simulator, "fleet", "work", "--until-idle", "--db", _db)).Exit, Is.Zero);
        Assert.That(simulator.AcceptedUploads, Has.Count.EqualTo(1), "one upload, ever");
        Assert.That(File.Exists(foreign), Is.True, "the track is written now");
    }
}
