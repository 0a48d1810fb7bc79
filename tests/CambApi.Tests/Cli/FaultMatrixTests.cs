using CambApi.Http;
using CambApi.Cli;
using CambApi.Simulator;
using Newtonsoft.Json.Linq;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Tests;

/// <summary>
/// The fault matrix: each fault injected against the <c>camb</c> CLI as a user runs it — WireMock as the
/// API and the storage host (or the simulator's storage faults where bytes must break off mid-body), fake time, no sleeps —
/// asserting what the user sees: the exit code, the one line, the files, the attempts made. Every run also checks that no
/// output shows the key, a stack trace or a .NET type name, and that storage never received the key.
/// </summary>
[TestFixture]
public sealed class FaultMatrixTests : WorkflowFixture
{
    private static readonly byte[] ForegroundBytes = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
    private static readonly byte[] BackgroundBytes = Enumerable.Range(0, 2000).Select(i => (byte)(i * 7)).ToArray();

    private sealed record Run(int Exit, string Out, string Err);

    private string OutDir => Path.Combine(WorkDir, "out");

    /// <summary>Runs camb against the WireMock API (or <paramref name="baseUrl"/>) on fake time.</summary>
    private async Task<Run> Camb(string[] args, string? baseUrl = null, string key = Key)
    {
        var (exit, output, error) = await Drive(CliHarness.Camb([.. args, "--base-url", baseUrl ?? Api.Url + "/apis/", "--api-key", key], o => o.TimeProvider = Time));
        var result = new Run(exit, output, error);
        foreach (var text in new[] { result.Out, result.Err })
        {
            Assert.That(text, Does.Not.Contain(key).And.Not.Contain("   at ").And.Not.Contain("Exception").And.Not.Contain("System."), text);
        }

        Assert.That(Storage.LogEntries.Where(HasKeyHeader), Is.Empty, "the key never goes to storage");
        return result;
    }

    /// <summary>A real WAV (a tone), for runs on the simulator, which decodes what it is sent.</summary>
    private string Wav(string name, int seed = 3)
    {
        var path = Path.Combine(WorkDir, name);
        File.WriteAllBytes(path, new PcmWav(16000, 1, 16, Enumerable.Range(0, 8000).Select(i => (int)(Math.Sin(i * 0.01 * seed) * 9000)).ToArray()).ToBytes());
        return path;
    }

    private Task<Run> Separate(params string[] extra) => Camb(["separate", Input("take.wav"), "--out", OutDir, .. extra]);

    private void GivenStorage()
    {
        GivenStorageServes("/bucket/f.wav", ForegroundBytes);
        GivenStorageServes("/bucket/b.wav", BackgroundBytes);
    }

    private void GivenHappyPath(string taskId = "t-1", long runId = 7)
    {
        GivenCreateReturns(taskId);
        GivenStatuses(taskId, Status("PENDING"), Status("SUCCESS", runId));
        GivenResult(runId);
        GivenStorage();
    }

    /// <summary>Upload answers t-1, whose first poll is SUCCESS with run 7, whose result points at the storage host.</summary>
    private void GivenFinishedRun()
    {
        GivenCreateReturns("t-1");
        GivenStatuses("t-1", Status("SUCCESS", 7));
        GivenResult(7);
    }

    private int Uploads => Requests(Api, "/apis/audio-separation").Count(e => e.RequestMessage!.Method == "POST");

    private int Polls(string taskId = "t-1") => Requests(Api, $"/apis/audio-separation/{taskId}").Count;

    private string[] OutputFiles() =>
        Directory.Exists(OutDir) ? Directory.GetFiles(OutDir).Select(f => Path.GetFileName(f)).Where(f => f != BatchJournal.FileName).Order().ToArray() : [];

    private static void OneLine(Run run, string expected)
    {
        var lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("camb: ", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), run.Err);
        Assert.That(lines[0], Does.Contain(expected));
    }

    // ---- the API ----

    [Test]
    public async Task Api_503_then_ok_is_retried_and_succeeds()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost()).InScenario("busy").WillSetStateTo("ok")
            .RespondWith(Json(503, """{"detail":"Service temporarily unavailable"}""").WithHeader("Retry-After", "2"));
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost()).InScenario("busy").WhenStateIs("ok")
            .RespondWith(Json(200, FastApiBodies.Created("t-1")));
        GivenStatuses("t-1", Status("SUCCESS", 7));
        GivenResult(7);
        GivenStorage();

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Success), run.Err);
        Assert.That(Uploads, Is.EqualTo(2), "the 503 said nothing was created, and asked to come back");
        Assert.That(OutputFiles(), Is.EqualTo(new[] { "take.background.wav", "take.foreground.wav" }));
    }

    [Test]
    public async Task Api_429_with_retry_after_while_polling_waits_and_succeeds()
    {
        GivenCreateReturns("t-1");
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-1").UsingGet()).InScenario("rate").WillSetStateTo("ok")
            .RespondWith(Json(429, """{"detail":"Too many requests"}""").WithHeader("Retry-After", "30"));
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-1").UsingGet()).InScenario("rate").WhenStateIs("ok")
            .RespondWith(Json(200, Status("SUCCESS", 7)));
        GivenResult(7);
        GivenStorage();

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Success), run.Err);
        Assert.That(Polls(), Is.EqualTo(2));
    }

    /// <summary>A message names only what we know: every poll refused until --timeout means no status was read, not "still PENDING".</summary>
    [Test]
    public async Task Polls_refused_with_429_until_the_timeout_say_so_and_name_no_status()
    {
        GivenCreateReturns("t-1");
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-1").UsingGet())
            .RespondWith(Json(429, """{"detail":"Too many requests"}""").WithHeader("Retry-After", "30"));

        var run = await Separate("--timeout", "2m");

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.TimedOut));
        OneLine(run, "camb: take.wav: the service kept answering 429 (too many requests) until --timeout (");
        Assert.That(run.Err, Does.Contain("so the task's status was never read; task t-1 goes on at the service").And.Not.Contain("PENDING"));
        Assert.That(Uploads, Is.EqualTo(1));
    }

    [Test]
    public async Task Api_500_with_an_html_body_is_retried_then_one_line()
    {
        GivenCreateReturns("t-1");
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-1").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "text/html").WithBody("<html><body>Internal Server Error</body></html>"));

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: the service failed (HTTP 500) — try again later");
        Assert.That(run.Err, Does.Not.Contain("<html>"));
        Assert.That(Polls(), Is.EqualTo(4), "first attempt + 3 retries");
        Assert.That(OutputFiles(), Is.Empty);
    }

    [TestCase(2, ExitCodes.Success, null)]
    [TestCase(100, ExitCodes.Failure, "the connection was cut before the answer was complete — check --base-url and your network")]
    public async Task Api_connection_reset_mid_response_is_retried(int resets, int exit, string? line)
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions
        {
            ProcessingTime = TimeSpan.Zero,
            Scenario = _ => new SimulatedOutcome { ResetPolls = resets },
        });

        var run = await Camb(["separate", Wav("take.wav"), "--out", OutDir], sim.BaseAddress.ToString(), sim.ApiKey);

        Assert.That(run.Exit, Is.EqualTo(exit), run.Err);
        if (line is not null)
        {
            OneLine(run, $"camb: take.wav: could not reach {sim.BaseAddress.Authority}: {line}");
        }

        Assert.That(sim.StatusPolls, Is.EqualTo(Math.Min(resets + 1, 4)), "a GET cut off mid-answer is retried like any dropped connection (3 retries)");
        Assert.That(sim.Uploads, Is.EqualTo(1));
    }

    [Test]
    public async Task Api_answer_that_stalls_mid_body_is_abandoned_at_the_request_timeout_and_retried()
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions
        {
            ProcessingTime = TimeSpan.Zero,
            Scenario = _ => new SimulatedOutcome { StallPolls = 1 },
        });

        // The default request timeout (300 s of fake time, about 1.5 s of Drive's real pace) leaves the real loopback I/O ample room.
        var run = await Camb(["separate", Wav("take.wav"), "--out", OutDir], sim.BaseAddress.ToString(), sim.ApiKey);

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Success), run.Err);
        Assert.That(sim.StatusPolls, Is.EqualTo(2), "the per-attempt timeout covers the body too: the stalled answer was retried");
    }

    [Test]
    public async Task Api_garbage_body_is_an_answer_that_cannot_be_read()
    {
        GivenCreateReturns("t-1");
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-1").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithFault(FaultType.MALFORMED_RESPONSE_CHUNK));

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: the service's answer could not be read (");
    }

    [Test]
    public async Task Api_stalled_past_the_request_timeout_is_retried_then_one_line()
    {
        GivenCreateReturns("t-1");
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-1").UsingGet())
            .RespondWith(Json(200, Status("PENDING")).WithDelay(TimeSpan.FromMinutes(10)));

        var run = await Separate("--request-timeout", "60s");

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: the service did not answer within 60 s — try again later, or allow longer with --request-timeout");
        // (WireMock logs a request only once answered, so attempts are counted in DeadlineTests, on a stalling transport.)
    }

    [TestCase("""{"status":"PEND""", "Unterminated string")]
    [TestCase("", "the body was empty")]
    [TestCase("<html>maintenance</html>", "Unexpected character")]
    public async Task Api_answer_that_cannot_be_read_says_so(string body, string why)
    {
        GivenCreateReturns("t-1");
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-1").UsingGet()).RespondWith(Json(200, body));

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: the service's answer could not be read (");
        Assert.That(run.Err, Does.Contain(why).And.Not.Contain("HTTP 200"), "never 'the service answered HTTP 200'");
        Assert.That(Polls(), Is.EqualTo(1), "a 200 is not retried");
    }

    [Test]
    public async Task Api_unknown_status_is_waited_on_until_the_timeout()
    {
        GivenCreateReturns("t-1");
        GivenStatuses("t-1", Status("QUEUED_FOR_GPU"));

        var run = await Separate("--timeout", "2m");

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.TimedOut));
        var lines = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("camb: ", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(2), run.Err);
        Assert.That(lines[0], Does.StartWith("camb: take.wav: still QUEUED_FOR_GPU after").And.Contain("task t-1 goes on at the service — run the same command again to resume"));
        Assert.That(lines[1], Is.EqualTo("camb: the service reported status `QUEUED_FOR_GPU`, which openapi/ does not list (treated as still running) — update camb, or run build/update-spec.sh --fetch in its repository"),
            "the run ends saying what the service sent that the spec does not know");
    }

    [Test]
    public async Task Api_401_is_one_line_about_the_key_and_not_retried()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost()).RespondWith(Json(401, """{"detail":"Invalid API key"}"""));

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: the service refused the API key (HTTP 401) — check --api-key or CAMB_API_KEY");
        Assert.That(Uploads, Is.EqualTo(1));
    }

    [Test]
    public async Task Api_404_for_the_task_forgets_it_so_the_next_run_uploads_afresh()
    {
        GivenCreateReturns("t-1");
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-1").UsingGet()).RespondWith(Json(404, """{"detail":"Task not found"}"""));

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: the service no longer knows task t-1 (HTTP 404) — run the same command again to upload the file afresh");
        Assert.That(Polls(), Is.EqualTo(1));
    }

    [Test]
    public async Task Status_of_an_unknown_task_is_one_line_with_the_detail()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation/nope").UsingGet()).RespondWith(Json(404, """{"detail":"Task not found"}"""));

        var run = await Camb(["status", "nope"]);

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: task nope: the service does not know task nope (HTTP 404: Task not found) — check the id");
    }

    [Test]
    public async Task Api_422_shows_the_services_detail()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost()).RespondWith(Json(422,
            """{"detail":[{"type":"missing","loc":["body","media_file"],"msg":"Field required","input":null}]}"""));

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: the service rejected the request (HTTP 422: body.media_file: Field required)");
    }

    [Test]
    public async Task Api_redirect_to_another_host_is_not_followed_and_the_key_stays_home()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(307).WithHeader("Location", Storage.Url + "/collect"));

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: the service redirected (HTTP 307); the key is only sent to the API host, so redirects are not followed — check --base-url");
        Assert.That(Storage.LogEntries, Is.Empty, "the other host received nothing, let alone the key");
    }

    // ---- the task ----

    [TestCase("ERROR", "SOURCE_TYPE_NOT_SUPPORTED", "the service could not separate it: ERROR (SOURCE_TYPE_NOT_SUPPORTED): not audio")]
    [TestCase("TIMEOUT", "PROCESSING_TIMEOUT", "the service could not separate it: TIMEOUT (PROCESSING_TIMEOUT): not audio — try again later")]
    [TestCase("PAYMENT_REQUIRED", "INSUFFICIENT_CREDITS", "the service needs payment to run task t-1 (PAYMENT_REQUIRED) — add credit to the account")]
    public async Task Task_that_ends_without_a_result_is_one_line_with_the_reason(string status, string reason, string expected)
    {
        GivenCreateReturns("t-1");
        GivenStatuses("t-1", Status(status, reason: reason, message: "not audio"));

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: " + expected);
        Assert.That(OutputFiles(), Is.Empty);
    }

    [Test]
    public async Task Task_that_never_finishes_times_out_with_exit_4_and_the_rerun_polls_it_without_a_new_upload()
    {
        GivenCreateReturns("t-1");
        GivenStatuses("t-1", Status("PENDING"));

        var first = await Separate("--timeout", "2m");

        Assert.That(first.Exit, Is.EqualTo(ExitCodes.TimedOut));
        OneLine(first, "camb: take.wav: still PENDING after 1");
        Assert.That(first.Err, Does.Contain("task t-1 goes on at the service — run the same command again to resume (nothing is uploaded twice)"));

        Api.ResetMappings();
        GivenHappyPath();
        var second = await Separate();

        Assert.That(second.Exit, Is.EqualTo(ExitCodes.Success), second.Err);
        Assert.That(second.Err, Does.Contain("take.wav: resuming task t-1 from an earlier run (no new upload)"));
        Assert.That(Uploads, Is.EqualTo(1), "one upload across both runs");
        Assert.That(OutputFiles(), Has.Length.EqualTo(2));
    }

    // ---- storage ----

    [Test]
    public async Task Storage_403_expired_link_is_answered_by_fresh_links_for_the_same_run()
    {
        GivenFinishedRun();
        Storage.Given(Request.Create().WithPath("/bucket/f.wav").UsingGet()).InScenario("expiry").WillSetStateTo("fresh")
            .RespondWith(Response.Create().WithStatusCode(403).WithBody("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"));
        Storage.Given(Request.Create().WithPath("/bucket/f.wav").UsingGet()).InScenario("expiry").WhenStateIs("fresh")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(ForegroundBytes));
        GivenStorageServes("/bucket/b.wav", BackgroundBytes);

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Success), run.Err);
        Assert.That(Requests(Api, "/apis/audio-separation-result/7"), Has.Count.EqualTo(2), "fresh URLs fetched once");
        Assert.That(Uploads, Is.EqualTo(1), "never a new upload");
        Assert.That(File.ReadAllBytes(Path.Combine(OutDir, "take.foreground.wav")), Is.EqualTo(ForegroundBytes));
    }

    [Test]
    public async Task Storage_403_that_fresh_links_do_not_cure_is_one_line_and_the_rerun_only_downloads()
    {
        GivenFinishedRun();
        Storage.Given(Request.Create().WithPath("/bucket/f.wav").UsingGet()).RespondWith(Response.Create().WithStatusCode(403));
        GivenStorageServes("/bucket/b.wav", BackgroundBytes);

        var first = await Separate();

        Assert.That(first.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(first, "camb: take.wav: the download link was refused (HTTP 403) even after fetching fresh links for run 7 — run the same command again to resume");
        Assert.That(OutputFiles(), Does.Not.Contain("take.foreground.wav"));

        Storage.ResetMappings();
        GivenStorage();
        var polls = Polls();
        var second = await Separate();

        Assert.That(second.Exit, Is.EqualTo(ExitCodes.Success), second.Err);
        Assert.That(second.Err, Does.Contain("resuming run 7"));
        Assert.That((Uploads, Polls()), Is.EqualTo((1, polls)), "no upload, no polling: only the download");
    }

    [Test]
    public async Task A_track_that_landed_before_its_sibling_failed_is_camb_s_and_the_rerun_replaces_it_without_overwrite()
    {
        GivenFinishedRun();
        var landed = Path.Combine(OutDir, "take.background.wav");
        // The foreground fails only once the background has landed whole: the order is fixed, not timed.
        Storage.Given(Request.Create().WithPath("/bucket/f.wav").UsingGet()).InScenario("f").WillSetStateTo("failed once").RespondWith(Response.Create()
            .WithStatusCode(404).WithBody(_ => SpinWait.SpinUntil(() => File.Exists(landed), TimeSpan.FromSeconds(30)) ? "gone" : "background never landed"));
        Storage.Given(Request.Create().WithPath("/bucket/f.wav").UsingGet()).InScenario("f").WhenStateIs("failed once")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(ForegroundBytes));
        GivenStorageServes("/bucket/b.wav", BackgroundBytes);

        var first = await Separate();

        Assert.That(first.Exit, Is.EqualTo(ExitCodes.Failure), first.Err);
        Assert.That(OutputFiles(), Is.EqualTo(new[] { "take.background.wav" }));

        var polls = Polls();
        var second = await Separate();

        Assert.That(second.Exit, Is.EqualTo(ExitCodes.Success), "the journal recorded the landed track as camb's: " + second.Err);
        Assert.That((Uploads, Polls()), Is.EqualTo((1, polls)));
        Assert.That(OutputFiles(), Is.EqualTo(new[] { "take.background.wav", "take.foreground.wav" }));
    }

    [Test]
    public async Task Storage_404_is_one_line_and_not_retried()
    {
        GivenFinishedRun();
        Storage.Given(Request.Create().WithPath("/bucket/f.wav").UsingGet()).RespondWith(Response.Create().WithStatusCode(404));
        GivenStorageServes("/bucket/b.wav", BackgroundBytes);

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: the storage host answered HTTP 404 for f.wav");
        Assert.That(Requests(Storage, "/bucket/f.wav"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Storage_redirect_to_plain_http_is_refused()
    {
        GivenFinishedRun();
        Storage.Given(Request.Create().WithPath("/bucket/f.wav").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", "http://storage.example/f.wav"));
        GivenStorageServes("/bucket/b.wav", BackgroundBytes);

        var run = await Separate();

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "refusing to download http://storage.example/f.wav: storage URLs must be https");
        Assert.That(OutputFiles(), Does.Not.Contain("take.foreground.wav"));
    }

    [Test]
    public async Task Storage_stall_and_reset_mid_body_are_resumed_on_the_simulator()
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });
        // First track: 1000 bytes, then silence until the client's idle limit (fake time) — resumed from byte 1000 by Range.
        // Second: 500 bytes, then a reset. A reset may overtake the bytes before them (the client then resumes from what it
        // got, perhaps nothing), so only the stall pins down a Range request; both must end whole.
        sim.StorageFaults.Enqueue(StorageFault.StallAfter(1000));
        sim.StorageFaults.Enqueue(StorageFault.ResetAfter(500));
        var run = await Camb(["separate", Wav("tone.wav"), "--out", OutDir], sim.BaseAddress.ToString(), sim.ApiKey);

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Success), run.Err);
        Assert.That(sim.StorageRequests, Is.EqualTo(4), "two tracks, each resumed once");
        Assert.That(sim.StorageRangeRequests, Is.GreaterThanOrEqualTo(1), "the stalled track resumed from its 1000th byte");
        Assert.That(run.Out, Does.Contain("check: foreground + background == input, sample for sample"), "the resumed files are whole and right");
        Assert.That(sim.Uploads, Is.EqualTo(1));
    }

    [Test]
    public async Task Storage_slow_drip_completes_whole()
    {
        using var client = Client(storageTransport: new DripStorage(ForegroundBytes));
        var result = new SeparationResult(3, new Uri("https://storage.example/f.wav"), new Uri("https://storage.example/b.wav"));

        var files = await Drive(client.DownloadAsync(result, OutDir, "drip"));

        Assert.That(File.ReadAllBytes(files.ForegroundPath), Is.EqualTo(ForegroundBytes));
        Assert.That(File.ReadAllBytes(files.BackgroundPath), Is.EqualTo(ForegroundBytes));
    }

    // ---- the network ----

    [Test]
    public async Task Connection_refused_is_one_line_and_exit_1()
    {
        var run = await Camb(["separate", Input("take.wav"), "--out", OutDir], "http://127.0.0.1:1/apis/");

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: could not reach 127.0.0.1:1: connection refused — check --base-url and your network");
    }

    [Test]
    public async Task Unresolvable_host_is_one_line_and_exit_1()
    {
        var run = await Camb(["separate", Input("take.wav"), "--out", OutDir], "https://camb-api.invalid/apis/");

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Failure));
        OneLine(run, "camb: take.wav: could not reach camb-api.invalid: the host name does not resolve — check --base-url and your network");
    }

    // ---- inputs and outputs ----

    [Test]
    public async Task Folder_of_mixed_files_lists_what_it_skips()
    {
        GivenHappyPath();
        var folder = Directory.CreateDirectory(Path.Combine(WorkDir, "in")).FullName;
        File.Copy(Input("take.wav"), Path.Combine(folder, "take.wav"));
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not audio");
        File.WriteAllBytes(Path.Combine(folder, "empty.wav"), []);

        var run = await Camb(["separate", folder, "--out", OutDir]);

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Success), run.Err);
        Assert.That(run.Err, Does.Contain("camb: skipped " + Path.Combine(folder, "empty.wav") + ": not a supported audio file")
            .And.Contain("camb: skipped " + Path.Combine(folder, "notes.txt")));
        Assert.That(Uploads, Is.EqualTo(1));
    }

    [Test]
    public async Task Existing_outputs_camb_did_not_write_are_refused_before_any_upload_unless_overwrite()
    {
        GivenHappyPath();
        Directory.CreateDirectory(OutDir);
        File.WriteAllText(Path.Combine(OutDir, "take.foreground.wav"), "someone's file");

        var refused = await Separate();

        Assert.That(refused.Exit, Is.EqualTo(ExitCodes.BadUsage));
        OneLine(refused, "take.foreground.wav already exists and was not written by camb; pass --overwrite to replace it, or choose another --out");
        Assert.That(Uploads, Is.EqualTo(0), "refused before anything was paid for");
        Assert.That(File.ReadAllText(Path.Combine(OutDir, "take.foreground.wav")), Is.EqualTo("someone's file"));

        var replaced = await Separate("--overwrite");

        Assert.That(replaced.Exit, Is.EqualTo(ExitCodes.Success), replaced.Err);
        Assert.That(File.ReadAllBytes(Path.Combine(OutDir, "take.foreground.wav")), Is.EqualTo(ForegroundBytes));
    }

    [Test]
    public async Task A_track_that_appears_while_the_service_works_is_left_alone_and_overwrite_then_only_downloads()
    {
        var theirs = Path.Combine(OutDir, "take.background.wav");
        GivenCreateReturns("t-1");
        GivenStatuses("t-1", Status("PENDING"), Status("SUCCESS", 7));
        // Someone else's file lands while the service works: injected as the result is read, after camb's own checks.
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/7").UsingGet()).RespondWith(Response.Create()
            .WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(_ =>
            {
                File.WriteAllText(theirs, "someone's file");
                return FastApiBodies.Result($"{Storage.Url}/bucket/f.wav", $"{Storage.Url}/bucket/b.wav");
            }));
        GivenStorage();

        var first = await Separate();

        Assert.That(first.Exit, Is.EqualTo(ExitCodes.Failure), first.Err);
        OneLine(first, "camb: take.wav: " + theirs + " appeared while the service worked and camb did not write it; it was left as it is — pass --overwrite to replace it");
        Assert.That(File.ReadAllText(theirs), Is.EqualTo("someone's file"));
        Assert.That(Storage.LogEntries, Is.Empty, "nothing downloaded");

        var polls = Polls();
        var second = await Separate("--overwrite");

        Assert.That(second.Exit, Is.EqualTo(ExitCodes.Success), second.Err);
        Assert.That((Uploads, Polls()), Is.EqualTo((1, polls)), "the journal kept run 7: no upload, no polling");
        Assert.That(File.ReadAllBytes(theirs), Is.EqualTo(BackgroundBytes));
    }

    [Test]
    public async Task Same_name_inputs_are_refused_before_any_upload()
    {
        GivenHappyPath();
        var a = Directory.CreateDirectory(Path.Combine(WorkDir, "a")).FullName;
        var b = Directory.CreateDirectory(Path.Combine(WorkDir, "b")).FullName;
        File.Copy(Input("take.wav"), Path.Combine(a, "take.wav"));
        File.Copy(Input("take.wav"), Path.Combine(b, "take.wav"));

        var run = await Camb(["separate", Path.Combine(a, "take.wav"), Path.Combine(b, "take.wav"), "--out", OutDir]);

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.BadUsage));
        OneLine(run, "take.wav and take.wav would both write take.foreground/background");
        Assert.That(Uploads, Is.EqualTo(0));
    }

    [Test]
    public async Task Spaces_and_unicode_in_paths_work()
    {
        GivenHappyPath();
        var folder = Directory.CreateDirectory(Path.Combine(WorkDir, "my recordings ☂")).FullName;
        var input = Path.Combine(folder, "täke one.wav");
        File.Copy(Input("take.wav"), input);
        var output = Path.Combine(WorkDir, "out folder ü");

        var run = await Camb(["separate", input, "--out", output, "--json"]);

        Assert.That(run.Exit, Is.EqualTo(ExitCodes.Success), run.Err);
        var result = JArray.Parse(run.Out).Single();
        Assert.That(result["foreground"]!.Value<string>(), Is.EqualTo(Path.Combine(output, "täke one.foreground.wav")));
        Assert.That(File.Exists(result["background"]!.Value<string>()), Is.True);
    }

    // ---- resuming ----

    [Test]
    public async Task A_finished_batch_run_again_is_skipped_without_a_request()
    {
        GivenHappyPath();
        var first = await Separate();
        var requests = Api.LogEntries.Count + Storage.LogEntries.Count;

        var second = await Separate("--json");

        Assert.That(first.Exit, Is.EqualTo(ExitCodes.Success), first.Err);
        Assert.That(second.Exit, Is.EqualTo(ExitCodes.Success), second.Err);
        Assert.That(JArray.Parse(second.Out).Single()["outcome"]!.Value<string>(), Is.EqualTo("skipped"));
        Assert.That(Api.LogEntries.Count + Storage.LogEntries.Count, Is.EqualTo(requests), "nothing sent");
    }

    [Test]
    public async Task Download_by_run_id_and_by_task_id_finishes_a_job_started_elsewhere()
    {
        GivenHappyPath("t-9", 9);

        var byRun = await Camb(["download", "9", "--out", OutDir, "--json"]);
        var byTask = await Camb(["download", "--task", "t-9", "--out", Path.Combine(WorkDir, "by-task")]);

        Assert.That(byRun.Exit, Is.EqualTo(ExitCodes.Success), byRun.Err);
        var result = JArray.Parse(byRun.Out).Single();
        Assert.That(result["run_id"]!.Value<long>(), Is.EqualTo(9));
        Assert.That(File.ReadAllBytes(Path.Combine(OutDir, "run-9.foreground.wav")), Is.EqualTo(ForegroundBytes));
        Assert.That(byTask.Exit, Is.EqualTo(ExitCodes.Success), byTask.Err);
        Assert.That(File.Exists(Path.Combine(WorkDir, "by-task", "task-t-9.background.wav")), Is.True);
        Assert.That(Uploads, Is.EqualTo(0));
    }

    /// <summary>
    /// Ctrl+C can land while a file is past the concurrency gate but before any step that reports its own interruption
    /// (CancelAsync runs the gate's callback later, hashing the input is cancellable): it is reported as not started,
    /// not thrown out of the batch (which ended the process with exit 1 and no line per file, 1 CI run in 6).
    /// </summary>
    [Test]
    public async Task A_file_cancelled_before_its_first_step_is_reported_not_started()
    {
        using var cancel = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var gate = new LocalGate(2, TimeProvider.System);

        var outcomes = await Cli.Commands.SeparationJobs.RunAllAsync(CliConsole.Plain(output, error), json: false, ["take.wav"], gate,
            name => (name, 1L),
            async (name, _, ct) =>
            {
                await cancel.CancelAsync();
                ct.ThrowIfCancellationRequested(); // as HashAsync does
                return new FileOutcome(name, name, Outcome.Ok);
            },
            name => Cli.Commands.SeparationJobs.Interrupted(name, name, entry: null),
            cancel.Token);

        Assert.That(outcomes.Select(o => o.Outcome), Is.EqualTo(new[] { Outcome.Interrupted }));
    }

    [Test]
    public async Task Ctrl_c_mid_batch_stops_cleanly_and_the_rerun_uploads_nothing_twice()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions
        {
            ProcessingTime = TimeSpan.FromMinutes(1),
            TimeProvider = time,
            // take2 is first uploaded by the second run: it need not wait for the fake clock.
            Scenario = name => name == "take2.wav" ? new SimulatedOutcome { ProcessingTime = TimeSpan.Zero } : SimulatedOutcome.Success,
        });
        var folder = Directory.CreateDirectory(Path.Combine(WorkDir, "batch")).FullName;
        for (var i = 0; i < 3; i++)
        {
            File.WriteAllBytes(Path.Combine(folder, $"take{i}.wav"), new PcmWav(16000, 1, 16, Enumerable.Range(0, 4000).Select(s => (s * (i + 3)) % 20000).ToArray()).ToBytes());
        }

        string[] args = ["separate", folder, "--out", OutDir, "--concurrency", "2", "--base-url", sim.BaseAddress.ToString(), "--api-key", sim.ApiKey];
        using var cancel = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new StringWriter();
        Action<AudioSeparationClientOptions> quick = o => (o.PollInitialInterval, o.PollMaxInterval) = (TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50));
        var first = CambCli.RunAsync(args, CliConsole.Plain(output, error), quick, cancel.Token);
        while (sim.StatusPolls < 2 && !first.IsCompleted)
        {
            await Task.Delay(10); // waits for a condition, not for time: two files are uploaded, their tasks recorded and polled
        }

        await cancel.CancelAsync();
        var firstExit = await first;

        Assert.That(firstExit, Is.EqualTo(ExitCodes.Interrupted), error.ToString());
        Assert.That(error.ToString(), Does.Contain("take0.wav: interrupted; task ").And.Contain("goes on at the service — run the same command again to resume"));
        Assert.That(error.ToString(), Does.Contain("camb: take2.wav: interrupted before the service confirmed its upload"));
        Assert.That(Directory.GetFiles(OutDir).Select(Path.GetFileName), Is.EqualTo(new[] { BatchJournal.FileName }), "no partial files");
        Assert.That(sim.Uploads, Is.EqualTo(2));

        time.Advance(TimeSpan.FromMinutes(2)); // the service finished meanwhile
        var (exit, stdout, stderr) = await CliHarness.Camb(args, quick);

        Assert.That(exit, Is.EqualTo(ExitCodes.Success), stderr);
        Assert.That(sim.Uploads, Is.EqualTo(3), "the two interrupted tasks were resumed; only the file never uploaded was");
        Assert.That(stderr, Does.Contain("take0.wav: resuming task").And.Contain("take1.wav: resuming task"));
        Assert.That(stdout.Split("check: foreground + background == input").Length - 1, Is.EqualTo(3));
    }

    /// <summary>A storage host that sends its body a byte at a time (a slow drip, without real time).</summary>
    private sealed class DripStorage(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new DripStream(body));
            content.Headers.ContentLength = body.Length;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }

        private sealed class DripStream(byte[] data) : MemoryStream(data)
        {
            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            {
                await Task.Yield();
                return await base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
            }
        }
    }
}
