using CambApi.Fleet;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CambApi.Tests;

/// <summary>
/// The checkpoint table's rules, on both stores (a real PostgreSQL server and the embedded SQLite file), on fake time:
/// one row per content, the claim to upload as a fencing token, the gate's pause and its limit, a newer schema refused.
/// </summary>
[TestFixture("postgres", Category = "Postgres")]
[TestFixture("embedded")]
public sealed class FleetStoreTests(string kind)
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private string _folder = null!;
    private FleetStore _store = null!;

    [SetUp]
    public async Task Open()
    {
        _folder = Directory.CreateTempSubdirectory("camb-fleet-store-").FullName;
        var database = kind == "postgres" ? FleetDatabase.Parse(PostgresServer.Instance.CreateDatabase(), _folder) : FleetDatabase.Embedded(_folder);
        _store = new FleetStore(database, _time);
        await _store.EnsureSchemaAsync(initialLimit: 4, CancellationToken.None);
    }

    [TearDown]
    public void Remove()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static NewFile File(string sha) => new(sha, $"/in/{sha}.wav", $"{sha}.wav", "/out", sha, 1000, 4.0);

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
    public async Task Only_the_limit_is_admitted_and_a_pause_admits_nothing()
    {
        await _store.Files.SubmitAsync([.. Enumerable.Range(0, 10).Select(i => File($"f{i:00}"))], CancellationToken.None);

        var first = await _store.Files.AdmitAsync(CancellationToken.None);
        var second = await _store.Files.AdmitAsync(CancellationToken.None);

        Assert.That(first.Select(f => f.Sha256), Is.EqualTo(new[] { "f00", "f01", "f02", "f03" }), "the oldest, up to the limit of 4");
        Assert.That(second, Is.Empty, "no room until one leaves the vendor");

        var gate = await _store.Gate.ThrottledAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That((gate.Limit, gate.PausedUntil), Is.EqualTo((2.0, _store.Now + 5000)), "halved, and paused until Retry-After");
        await _store.Gate.ThrottledAsync(TimeSpan.FromSeconds(3), CancellationToken.None);
        Assert.That((await _store.Gate.ReadAsync(CancellationToken.None)).Limit, Is.EqualTo(2.0), "one decrease per pause, however many were refused");

        await _store.Gate.AcceptedAsync(CancellationToken.None);
        Assert.That((await _store.Gate.ReadAsync(CancellationToken.None)).Limit, Is.EqualTo(2.5), "additive increase: one over the limit");
    }

    /// <summary>The fencing token: a task id is written only by the attempt that still holds the claim.</summary>
    [Test]
    public async Task Only_the_attempt_that_holds_the_claim_records_its_task()
    {
        await _store.Files.SubmitAsync([File("a1")], CancellationToken.None);
        await _store.Files.AdmitAsync(CancellationToken.None);
        var claim = await _store.Files.ClaimUploadAsync("a1", "worker-1", TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.That(await _store.Files.ClaimUploadAsync("a1", "worker-2", TimeSpan.FromSeconds(30), CancellationToken.None), Is.Null, "one claim at a time");

        // worker-1 goes silent mid-upload: its lease lapses, the file becomes uncertain, a person releases it, worker-2 uploads.
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.That((await _store.Files.ExpireUploadsAsync(CancellationToken.None)).Select(f => (f.Sha256, f.State)), Is.EqualTo(new[] { ("a1", FleetFileState.Uncertain) }));
        Assert.That((await _store.Files.ReleaseAsync(null, CancellationToken.None)).Single().Sha256, Is.EqualTo("a1"));
        await _store.Files.AdmitAsync(CancellationToken.None);
        var second = await _store.Files.ClaimUploadAsync("a1", "worker-2", TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.That(second!.Attempt, Is.EqualTo(claim!.Attempt + 1));

        Assert.That(await _store.Files.RecordTaskAsync("a1", claim.Attempt, "late-task", 0, CancellationToken.None), Is.False, "the first attempt's late return is harmless");
        Assert.That(await _store.Files.RecordTaskAsync("a1", second.Attempt, "t-2", 0, CancellationToken.None), Is.True);
        var file = await _store.Monitor.GetAsync("a1", CancellationToken.None);
        Assert.That((file!.State, file.TaskId), Is.EqualTo((FleetFileState.Processing, "t-2")));
    }

    [Test]
    public async Task A_ready_file_is_downloaded_by_one_worker_and_handed_back_on_stop()
    {
        await _store.Files.SubmitAsync([File("a1")], CancellationToken.None);
        await _store.Files.AdmitAsync(CancellationToken.None);
        var claim = await _store.Files.ClaimUploadAsync("a1", "w1", TimeSpan.FromSeconds(30), CancellationToken.None);
        await _store.Files.RecordTaskAsync("a1", claim!.Attempt, "t-1", 0, CancellationToken.None);
        Assert.That(await _store.Files.RecordRunAsync("a1", 7, CancellationToken.None), Is.True);
        Assert.That(await _store.Files.RecordRunAsync("a1", 7, CancellationToken.None), Is.False, "a second poller's result changes nothing");

        Assert.That(await _store.Files.ClaimDownloadAsync("a1", "w1", TimeSpan.FromSeconds(30), CancellationToken.None), Is.Not.Null);
        Assert.That(await _store.Files.ClaimDownloadAsync("a1", "w2", TimeSpan.FromSeconds(30), CancellationToken.None), Is.Null);
        await _store.Files.HandBackAsync("a1", "w1", CancellationToken.None);
        Assert.That(await _store.Files.ClaimDownloadAsync("a1", "w2", TimeSpan.FromSeconds(30), CancellationToken.None), Is.Not.Null);
        Assert.That(await _store.Files.MarkDoneAsync("a1", "w2", CancellationToken.None), Is.EqualTo(1));
        Assert.That(await _store.Monitor.UnfinishedAsync(CancellationToken.None), Is.Zero);
    }

    [Test]
    public async Task An_overdue_job_is_handed_to_one_caller()
    {
        await _store.Files.SubmitAsync([File("a1")], CancellationToken.None);
        await _store.Files.AdmitAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(40));

        var first = await _store.Files.TakeOverdueAsync(TimeSpan.FromSeconds(30), 10, CancellationToken.None);
        var second = await _store.Files.TakeOverdueAsync(TimeSpan.FromSeconds(30), 10, CancellationToken.None);

        Assert.That((first.Count, second.Count), Is.EqualTo((1, 0)));
    }

    [Test]
    public async Task A_schema_from_a_newer_version_is_refused_and_nothing_is_touched()
    {
        await _store.Files.SubmitAsync([File("a1")], CancellationToken.None);
        await using (var connection = Connect())
        {
            await connection.OpenAsync();
            using var bump = connection.CreateCommand();
            bump.CommandText = "UPDATE camb_fleet_schema SET version = 2";
            await bump.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<FleetDatabaseException>(() => _store.EnsureSchemaAsync(4, CancellationToken.None));

        Assert.That(refused!.Message, Does.Contain("was set up by a newer version of CambApi.Fleet (fleet schema 2; this one knows 1) — upgrade CambApi.Fleet on this machine"));
        Assert.That((refused.Code, refused.IsTransient), Is.EqualTo((FleetDatabaseException.NewerSchema, false)));
        Assert.That((await _store.Monitor.StatusAsync(CancellationToken.None)).Counts[FleetFileState.New], Is.EqualTo(1));
    }

    private System.Data.Common.DbConnection Connect() => _store.Database.IsPostgres
        ? new NpgsqlConnection(_store.Database.ConnectionString)
        : new Microsoft.Data.Sqlite.SqliteConnection(_store.Database.ConnectionString);
}
