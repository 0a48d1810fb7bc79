using CambApi.Fleet;
using Microsoft.Extensions.Time.Testing;

namespace CambApi.Tests;

/// <summary>
/// The checkpoint tables' rules, on both stores (a real PostgreSQL server and the embedded SQLite file), on a clock the
/// test holds (the database's clock in production): one row per content, the claim to upload as a fencing token, a late
/// answer adopted or noted with the truth, a release that never pays for what the fleet has, the gate's pause and limit,
/// the counts the triggers keep, an older layout upgraded and a newer one refused.
/// </summary>
[TestFixture("postgres", Category = "Postgres")]
[TestFixture("embedded")]
public sealed class FleetStoreTests(string kind)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private string _folder = null!;
    private FleetStore _store = null!;

    [SetUp]
    public async Task Open()
    {
        _folder = Directory.CreateTempSubdirectory("camb-fleet-store-").FullName;
        var database = kind == "postgres" ? FleetDatabase.Parse(PostgresServer.Instance.CreateDatabase(), _folder) : FleetDatabase.Embedded(_folder);
        _store = new FleetStore(database with { Clock = FleetClock.Of(_time) });
        await _store.EnsureSchemaAsync(initialLimit: 4, CancellationToken.None);
    }

    [TearDown]
    public void Remove()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static NewFile File(string sha, string outDir = "/out") => new(sha, $"/in/{sha}.wav", $"{sha}.wav", outDir, sha, 1000, 4.0);

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private Task<FleetFile?> Get(string sha) => _store.Monitor.GetAsync(sha, CancellationToken.None);

    /// <summary>Submits, admits and claims <paramref name="sha"/>; the claim.</summary>
    private async Task<FleetFile> ClaimedAsync(string sha, string owner = "w1")
    {
        await _store.Files.SubmitAsync([File(sha)], CancellationToken.None);
        var admitted = (await _store.Files.AdmitAsync(CancellationToken.None)).Single(f => f.Sha256 == sha);
        return (await _store.Files.ClaimUploadAsync(sha, admitted.Attempt, owner, Lease, CancellationToken.None))!;
    }

    [Test]
    public async Task The_same_content_submitted_twice_is_one_row()
    {
        Assert.That(await _store.Files.SubmitAsync([File("a1"), File("b2")], CancellationToken.None), Is.EqualTo(2));
        Assert.That(await _store.Files.SubmitAsync([File("a1"), File("c3")], CancellationToken.None), Is.EqualTo(1));

        var status = await _store.Monitor.StatusAsync(CancellationToken.None);
        Assert.That(status.Counts[FleetFileState.New], Is.EqualTo(3));
        await _store.EnsureSchemaAsync(4, CancellationToken.None); // a second worker starting finds the tables
    }

    [Test]
    public async Task Another_content_for_an_output_name_a_row_owns_is_refused_and_nothing_is_registered()
    {
        await _store.Files.SubmitAsync([new NewFile("a1", "/in/take.wav", "take.wav", "/out", "take", 1000, 4.0)], CancellationToken.None);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _store.Files.SubmitAsync(
            [File("b2"), new NewFile("c3", "/in/take.wav", "take.wav", "/out", "take", 1001, 4.0)], CancellationToken.None));

        Assert.That(refused!.Message, Does.Contain("take.wav would write take.foreground/background in /out, which the fleet's take.wav (another content, a1) already writes there"));
        Assert.That(await Get("b2"), Is.Null, "nothing of the submission was registered");
        Assert.That(await _store.Files.SubmitAsync([new NewFile("c3", "/in/take.wav", "take.wav", "/other", "take", 1001, 4.0)], CancellationToken.None),
            Is.EqualTo(1), "another output folder is fine");
    }

    [Test]
    public async Task Only_the_limit_is_admitted_and_a_pause_admits_nothing()
    {
        await _store.Files.SubmitAsync([.. Enumerable.Range(0, 10).Select(i => File($"f{i:00}"))], CancellationToken.None);

        var first = await _store.Files.AdmitAsync(CancellationToken.None);
        var second = await _store.Files.AdmitAsync(CancellationToken.None);

        Assert.That(first.Select(f => f.Sha256), Is.EqualTo(new[] { "f00", "f01", "f02", "f03" }), "the oldest, up to the limit of 4");
        Assert.That(second, Is.Empty, "no room until one leaves the vendor");

        var gate = await _store.Gate.ThrottledAsync(TimeSpan.FromSeconds(5), uploadRefused: true, CancellationToken.None);
        Assert.That((gate.Limit, gate.PausedUntil, gate.PausedFor), Is.EqualTo((2.0, Now + 5000, TimeSpan.FromSeconds(5))), "halved (the vendor held nothing yet), paused until Retry-After");
        Assert.That((await _store.Monitor.StatusAsync(CancellationToken.None)).Counts[FleetFileState.Admitted], Is.EqualTo(2),
            "the admitted files over the new limit went back in line");
        await _store.Gate.ThrottledAsync(TimeSpan.FromSeconds(3), uploadRefused: true, CancellationToken.None);
        Assert.That((await _store.Gate.ReadAsync(CancellationToken.None)).Limit, Is.EqualTo(2.0), "one decrease per pause, however many were refused");
        Assert.That(await _store.Files.AdmitAsync(CancellationToken.None), Is.Empty, "nothing is admitted in a pause");
    }

    /// <summary>The vendor refused while it held 3 tasks: that is its limit, and the fleet's limit settles there.</summary>
    [Test]
    public async Task A_refusal_brings_the_limit_to_what_the_vendor_held_and_it_stays_there_for_a_while()
    {
        await _store.Gate.SetMaxLimitAsync(8, CancellationToken.None);
        var db = _store.Database;
        await db.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = 8", null, CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            var claim = await ClaimedAsync($"p{i}");
            await _store.Files.RecordTaskAsync(claim.Sha256, claim.Attempt, $"t{i}", TimeSpan.FromSeconds(5), CancellationToken.None);
        }

        var gate = await _store.Gate.ThrottledAsync(TimeSpan.FromSeconds(2), uploadRefused: true, CancellationToken.None);
        Assert.That((gate.Limit, gate.KnownCeiling), Is.EqualTo((3.0, 3.0)), "the 4th was refused while 3 were processing");

        _time.Advance(TimeSpan.FromSeconds(3));
        for (var i = 0; i < 6; i++)
        {
            await _store.Gate.AcceptedAsync(CancellationToken.None);
        }

        Assert.That((await _store.Gate.ReadAsync(CancellationToken.None)).Limit, Is.EqualTo(3.0), "no probing past the vendor's limit while the lesson is fresh");
        await _store.Gate.AcceptedAsync(CancellationToken.None);
        Assert.That((await _store.Gate.ReadAsync(CancellationToken.None)).Limit, Is.GreaterThan(3.0).And.LessThan(4.0),
            "twice its size in accepted uploads later, slowly past it (the vendor may have raised it, or the lesson read low)");
    }

    [Test]
    public async Task An_idle_fleet_forgets_a_lesson_after_a_while()
    {
        await _store.Gate.SetMaxLimitAsync(8, CancellationToken.None);
        await _store.Database.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = 8", null, CancellationToken.None);
        var claim = await ClaimedAsync("i0");
        await _store.Files.RecordTaskAsync(claim.Sha256, claim.Attempt, "t-i0", TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That((await _store.Gate.ThrottledAsync(TimeSpan.FromSeconds(1), uploadRefused: true, CancellationToken.None)).KnownCeiling, Is.EqualTo(1.0));

        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await _store.Gate.AcceptedAsync(CancellationToken.None);

        Assert.That((await _store.Gate.ReadAsync(CancellationToken.None)).Limit, Is.EqualTo(2.0), "five minutes on, the first accepted upload grows it again");
    }

    /// <summary>
    /// Eight uploads at once against a vendor that takes 3: the refusal can be judged before the other accepted answers are
    /// written, and read 1. Each accepted upload written after it shows the vendor holds more: the lesson rises to 3, not below.
    /// </summary>
    [Test]
    public async Task A_lesson_read_low_rises_with_the_accepted_uploads_written_after_it()
    {
        await _store.Gate.SetMaxLimitAsync(8, CancellationToken.None);
        await _store.Database.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = 8", null, CancellationToken.None);
        var claims = new List<FleetFile>();
        for (var i = 0; i < 3; i++)
        {
            claims.Add(await ClaimedAsync($"q{i}"));
        }

        await _store.Files.RecordTaskAsync(claims[0].Sha256, claims[0].Attempt, "t0", TimeSpan.FromSeconds(5), CancellationToken.None);
        await _store.Gate.AcceptedAsync(CancellationToken.None);
        var refused = await _store.Gate.ThrottledAsync(TimeSpan.FromSeconds(1), uploadRefused: true, CancellationToken.None);
        Assert.That((refused.Limit, refused.KnownCeiling), Is.EqualTo((1.0, 1.0)), "judged while one answer was written");

        foreach (var claim in claims.Skip(1))
        {
            await _store.Files.RecordTaskAsync(claim.Sha256, claim.Attempt, "t" + claim.Sha256, TimeSpan.FromSeconds(5), CancellationToken.None);
            await _store.Gate.AcceptedAsync(CancellationToken.None);
        }

        var gate = await _store.Gate.ReadAsync(CancellationToken.None);
        Assert.That((gate.Limit, gate.KnownCeiling), Is.EqualTo((3.0, 3.0)), "the vendor took 3: the limit is there, and stays");
    }

    /// <summary>A storm refuses status reads too: that is a limit on requests, so what was learned of the task limit is dropped.</summary>
    [Test]
    public async Task A_refused_status_read_drops_the_lesson_so_a_storm_leaves_nothing_behind()
    {
        await _store.Gate.SetMaxLimitAsync(8, CancellationToken.None);
        await _store.Database.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = 8", null, CancellationToken.None);
        var claim = await ClaimedAsync("p0");
        await _store.Files.RecordTaskAsync(claim.Sha256, claim.Attempt, "t0", TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That((await _store.Gate.ThrottledAsync(TimeSpan.FromSeconds(1), uploadRefused: true, CancellationToken.None)).KnownCeiling, Is.EqualTo(1.0));

        var storm = await _store.Gate.ThrottledAsync(TimeSpan.FromSeconds(1), uploadRefused: false, CancellationToken.None);

        Assert.That((storm.Limit, storm.KnownCeiling), Is.EqualTo((1.0, (double?)null)), "same pause: no second decrease, but the lesson is gone");
        _time.Advance(TimeSpan.FromSeconds(2));
        for (var i = 0; i < 3; i++)
        {
            await _store.Gate.AcceptedAsync(CancellationToken.None);
        }

        Assert.That((await _store.Gate.ReadAsync(CancellationToken.None)).Limit, Is.GreaterThan(2.0), "the limit grows back at once");
    }

    /// <summary>The fencing token, and a late answer: adopted when no newer claim took the file, noted with the truth otherwise.</summary>
    [Test]
    public async Task A_late_answer_is_adopted_while_its_attempt_is_the_latest()
    {
        var claim = await ClaimedAsync("a1");
        Assert.That(await _store.Files.ClaimUploadAsync("a1", claim.Attempt - 1, "w2", Lease, CancellationToken.None), Is.Null, "one claim at a time");

        // w1's database link goes quiet past its lease: the file is declared uncertain; then its upload's answer arrives.
        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        Assert.That((await _store.Files.ExpireUploadsAsync(CancellationToken.None)).Select(f => (f.Sha256, f.State)), Is.EqualTo(new[] { ("a1", FleetFileState.Uncertain) }));
        var recorded = await _store.Files.RecordTaskAsync("a1", claim.Attempt, "t-1", TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.That((recorded.Outcome, recorded.Due), Is.EqualTo((TaskRecorded.Adopted, Now + 5000)));
        var file = await Get("a1");
        Assert.That((file!.State, file.TaskId, file.ErrorCode), Is.EqualTo((FleetFileState.Processing, "t-1", (string?)null)), "processing, not uncertain");
        Assert.That(await _store.Files.RecordTaskAsync("a1", claim.Attempt, "t-1", TimeSpan.FromSeconds(5), CancellationToken.None),
            Has.Property(nameof(RecordedTask.Outcome)).EqualTo(TaskRecorded.Adopted), "the same checkpoint written twice (a retry) is the same");
    }

    [Test]
    public async Task A_late_answer_after_a_newer_claim_is_noted_on_its_own_attempt_with_what_happened()
    {
        var first = await ClaimedAsync("a1");
        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        await _store.Files.ExpireUploadsAsync(CancellationToken.None);
        Assert.That((await _store.Files.ReleaseAsync(null, CancellationToken.None)).Single().Next, Is.EqualTo(FleetFileState.New));
        var admitted = (await _store.Files.AdmitAsync(CancellationToken.None)).Single();
        var second = await _store.Files.ClaimUploadAsync("a1", admitted.Attempt, "w2", Lease, CancellationToken.None);
        Assert.That(second!.Attempt, Is.EqualTo(first.Attempt + 1));
        await _store.Files.MarkUncertainAsync("a1", second.Attempt, "upload_unanswered", "the row's own note", CancellationToken.None);

        var late = await _store.Files.RecordTaskAsync("a1", first.Attempt, "late-task", TimeSpan.Zero, CancellationToken.None);

        Assert.That(late.Outcome, Is.EqualTo(TaskRecorded.Noted));
        Assert.That((await Get("a1"))!.LastError, Is.EqualTo("the row's own note"), "the row's current note is left alone");
        var note = await _store.Database.ScalarAsync<string>("SELECT note FROM camb_fleet_attempts WHERE sha256 = 'a1' AND attempt = @attempt", new { attempt = first.Attempt }, CancellationToken.None);
        Assert.That(note, Is.EqualTo($"the upload answered late with task late-task: a person had released the file and a newer claim took it (attempt {second.Attempt}), so it was noted, not adopted"));
    }

    /// <summary>Release never pays for what the fleet has: a run id downloads, a task id polls, only neither uploads.</summary>
    [Test]
    public async Task Release_downloads_a_known_run_polls_a_known_task_and_uploads_only_what_has_neither()
    {
        var withRun = await ClaimedAsync("r1");
        await _store.Files.RecordTaskAsync("r1", withRun.Attempt, "t-r", TimeSpan.Zero, CancellationToken.None);
        await _store.Files.RecordRunAsync("r1", 7, CancellationToken.None);
        await _store.Files.ClaimDownloadAsync("r1", "w1", Lease, CancellationToken.None);
        await _store.Files.MarkFailedAsync("r1", FleetFileState.Ready, "output_exists", "in the way", CancellationToken.None);

        var withTask = await ClaimedAsync("t1");
        await _store.Files.RecordTaskAsync("t1", withTask.Attempt, "t-t", TimeSpan.Zero, CancellationToken.None);
        await _store.Files.MarkFailedAsync("t1", FleetFileState.Processing, "wait_timed_out", "waited too long", CancellationToken.None);

        var dead = await ClaimedAsync("d1");
        await _store.Files.RecordTaskAsync("d1", dead.Attempt, "t-d", TimeSpan.Zero, CancellationToken.None);
        await _store.Files.MarkFailedAsync("d1", FleetFileState.Processing, "task_failed", "the service failed it", CancellationToken.None);

        var neither = await ClaimedAsync("n1");
        await _store.Files.MarkUncertainAsync("n1", neither.Attempt, "upload_interrupted", "cut off", CancellationToken.None);

        var released = new List<FleetReleased>();
        foreach (var sha in new[] { "r1", "t1", "d1", "n1" })
        {
            released.AddRange(await _store.Files.ReleaseAsync(sha, CancellationToken.None));
        }

        Assert.That(released.Select(r => (r.File.Sha256, r.Next, r.MayBeChargedTwice)), Is.EqualTo(new[]
        {
            ("r1", FleetFileState.Ready, false), ("t1", FleetFileState.Processing, false), ("d1", FleetFileState.New, false), ("n1", FleetFileState.New, true),
        }));
        Assert.That((await Get("r1"))!.RunId, Is.EqualTo(7));
        Assert.That((await Get("t1"))!.TaskId, Is.EqualTo("t-t"));
        Assert.That((await Get("d1"))!.TaskId, Is.Null, "a task that died at the service is uploaded again");
    }

    [Test]
    public async Task A_ready_file_is_downloaded_by_one_worker_and_handed_back_on_stop()
    {
        var claim = await ClaimedAsync("a1");
        await _store.Files.RecordTaskAsync("a1", claim.Attempt, "t-1", TimeSpan.Zero, CancellationToken.None);
        Assert.That(await _store.Files.RecordRunAsync("a1", 7, CancellationToken.None), Is.True);

        Assert.That(await _store.Files.ClaimDownloadAsync("a1", "w1", Lease, CancellationToken.None), Is.Not.Null);
        Assert.That(await _store.Files.ClaimDownloadAsync("a1", "w2", Lease, CancellationToken.None), Is.Null);
        Assert.That(await _store.Files.HandBackAsync("a1", "w1", TimeSpan.FromSeconds(10), CancellationToken.None), Is.EqualTo(Now + 10_000));
        Assert.That(await _store.Files.ClaimDownloadAsync("a1", "w2", Lease, CancellationToken.None), Is.Not.Null);
        Assert.That(await _store.Files.MarkDoneAsync("a1", "w2", CancellationToken.None), Is.EqualTo(1));
        Assert.That(await _store.Monitor.UnfinishedAsync(CancellationToken.None), Is.Zero);
    }

    [Test]
    public async Task An_overdue_step_is_handed_to_one_caller()
    {
        await _store.Files.SubmitAsync([File("a1")], CancellationToken.None);
        await _store.Files.AdmitAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(40));

        var first = await _store.Files.TakeOverdueAsync(TimeSpan.FromSeconds(30), 10, CancellationToken.None);
        var second = await _store.Files.TakeOverdueAsync(TimeSpan.FromSeconds(30), 10, CancellationToken.None);

        Assert.That((first.Count, second.Count), Is.EqualTo((1, 0)));
    }

    /// <summary>The counts the triggers keep are what a scan would count, through every kind of move.</summary>
    [Test]
    public async Task The_kept_counts_and_minutes_match_the_rows()
    {
        await _store.Gate.SetMaxLimitAsync(20, CancellationToken.None);
        await _store.Database.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = 20", null, CancellationToken.None);
        for (var i = 0; i < 6; i++)
        {
            var claim = await ClaimedAsync($"c{i}");
            if (i < 4)
            {
                await _store.Files.RecordTaskAsync(claim.Sha256, claim.Attempt, $"t{i}", TimeSpan.Zero, CancellationToken.None);
            }
        }

        await _store.Files.RecordRunAsync("c0", 1, CancellationToken.None);
        await _store.Files.ClaimDownloadAsync("c0", "w1", Lease, CancellationToken.None);
        await _store.Files.MarkDoneAsync("c0", "w1", CancellationToken.None);
        await _store.Files.MarkFailedAsync("c1", FleetFileState.Processing, "task_failed", "failed", CancellationToken.None);
        await _store.Files.MarkUncertainAsync("c4", 1, "upload_unanswered", "may be charged", CancellationToken.None);
        await _store.Files.ReturnToNewAsync("c5", 1, "busy", "busy", CancellationToken.None);
        await _store.Files.ReleaseAsync("c1", CancellationToken.None);
        await _store.Files.SubmitAsync([File("z9")], CancellationToken.None);

        var kept = await _store.Database.WithConnectionAsync(async s =>
            (await s.QueryAsync<(string, string, long)>("SELECT state, reason, files FROM camb_fleet_counts WHERE files > 0 ORDER BY state, reason")).ToList(), CancellationToken.None);
        var counted = await _store.Database.WithConnectionAsync(async s => (await s.QueryAsync<(string, string, long)>(
            "SELECT state, CASE WHEN state IN ('failed', 'uncertain') THEN COALESCE(error_code, 'unknown') ELSE '' END AS reason, COUNT(*) FROM camb_fleet_files " +
            "GROUP BY state, CASE WHEN state IN ('failed', 'uncertain') THEN COALESCE(error_code, 'unknown') ELSE '' END ORDER BY state, reason")).ToList(), CancellationToken.None);
        Assert.That(kept, Is.EqualTo(counted));
        Assert.That(kept, Does.Contain(("uncertain", "upload_unanswered", 1L)));
        var minutes = await _store.Database.WithConnectionAsync(async s =>
            (await s.QueryAsync<(long, long, long)>("SELECT SUM(uploaded), SUM(processed), SUM(done) FROM camb_fleet_minutes")).Single(), CancellationToken.None);
        Assert.That(minutes, Is.EqualTo((4L, 1L, 1L)));
    }

    [Test]
    public async Task A_version_1_database_is_upgraded_in_place_with_its_counts()
    {
        var database = kind == "postgres" ? FleetDatabase.Parse(PostgresServer.Instance.CreateDatabase(), _folder) : FleetDatabase.Embedded(Path.Combine(_folder, "v1"));
        Directory.CreateDirectory(Path.Combine(_folder, "v1"));
        foreach (var statement in FleetSchema.Upgrade(0, database.IsPostgres).Take(4)) // version 1's statements
        {
            await database.ExecuteAsync(statement, null, CancellationToken.None);
        }

        await database.ExecuteAsync("CREATE TABLE camb_fleet_schema (version INTEGER NOT NULL)", null, CancellationToken.None);
        await database.ExecuteAsync("INSERT INTO camb_fleet_schema (version) VALUES (1)", null, CancellationToken.None);
        await database.ExecuteAsync("INSERT INTO camb_fleet_gate (id, fleet_limit, max_limit, paused_until, throttled) VALUES (1, 8, 8, 0, 0)", null, CancellationToken.None);
        await database.ExecuteAsync(
            "INSERT INTO camb_fleet_files (sha256, input_path, file_name, out_dir, output_name, size_bytes, state, attempt, polls, submitted_at, done_at, updated_at) VALUES " +
            "('a', '/a', 'a', '/o', 'a', 1, 'done', 1, 1, 0, 60000, 0), ('b', '/b', 'b', '/o', 'b', 1, 'new', 0, 0, 0, NULL, 0)", null, CancellationToken.None);

        var store = new FleetStore(database);
        await store.EnsureSchemaAsync(4, CancellationToken.None);

        var status = await store.Monitor.StatusAsync(CancellationToken.None);
        Assert.That((status.Counts[FleetFileState.Done], status.Counts[FleetFileState.New], status.Gate.Limit), Is.EqualTo((1, 1, 8.0)), "rows and gate kept, counts filled");
        Assert.That(await database.ScalarAsync<long>("SELECT version FROM camb_fleet_schema", null, CancellationToken.None), Is.EqualTo(FleetSchema.Version));
    }

    [Test]
    public async Task A_schema_from_a_newer_version_is_refused_and_nothing_is_touched()
    {
        await _store.Files.SubmitAsync([File("a1")], CancellationToken.None);
        var newer = FleetSchema.Version + 1;
        await _store.Database.ExecuteAsync("UPDATE camb_fleet_schema SET version = @newer", new { newer }, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<FleetDatabaseException>(() => _store.EnsureSchemaAsync(4, CancellationToken.None));

        Assert.That(refused!.Message, Does.Contain(
            $"was set up by a newer version of CambApi.Fleet (fleet schema {newer}; this one knows {FleetSchema.Version}) — upgrade CambApi.Fleet on this machine"));
        Assert.That((refused.Code, refused.IsTransient), Is.EqualTo((FleetDatabaseException.NewerSchema, false)));
        Assert.That((await _store.Monitor.StatusAsync(CancellationToken.None)).Counts[FleetFileState.New], Is.EqualTo(1));
    }
}
