namespace CambApi.Tests;

/// <summary>
/// A vendor that changed its API, played by <c>camb simulate --drift</c> in its own process: <c>camb check</c> names
/// each drifted field in the update report's words and exits 3 on a breaking one, 0 on a service that matches;
/// <c>camb separate</c> finishes despite benign drift and says at the end what the service sent that openapi/ does not know.
/// </summary>
[TestFixture]
[NonParallelizable] // each test starts processes
public sealed class SpecDriftProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60); // a bound on a wait, never a measure

    private string _dir = null!;

    [SetUp]
    public void Folder() => _dir = Directory.CreateTempSubdirectory("camb-drift-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Check_against_a_service_that_matches_the_spec_exits_0()
    {
        using var simulator = await SimulatorProcess.StartAsync(_dir);
        using var check = CambProcess.Start(_dir, simulator.Environment, "check");

        Assert.That(await check.WaitForExitAsync(Bound), Is.Zero, check.Output);
        Assert.That(check.Lines, Does.Contain("camb check: every answer matches openapi/"));
        Assert.That(check.Lines.Any(l => l.StartsWith("camb check: one separation on http://127.0.0.1:", StringComparison.Ordinal) && l.Contains("it costs one separation", StringComparison.Ordinal)),
            "it says what it costs before it starts");
        Assert.That(check.Lines, Does.Contain("download: foreground 7.9 KiB"));
        Assert.That(simulator.AcceptedUploads, Has.Count.EqualTo(1));
        Assert.That(check.Output, Does.Not.Contain(simulator.ApiKey));
    }

    [Test]
    public async Task Check_against_a_drifted_service_names_each_drift_and_exits_3()
    {
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--drift");
        using var check = CambProcess.Start(_dir, simulator.Environment, "check");

        Assert.That(await check.WaitForExitAsync(Bound), Is.EqualTo(3), check.Output);
        Assert.That(check.Lines, Is.SupersetOf(new[]
        {
            "BREAKING      GET /audio-separation-result/{run_id}: response field foreground_audio_url is missing (the answer has foreground_url instead: renamed? the client reads null)",
            "BREAKING      POST /audio-separation-results: response field foreground_audio_url is missing (the answer has foreground_url instead: renamed? the client reads null)",
            "CHANGED       POST /audio-separation: new response field queue_position (not in openapi/; the client keeps it in AdditionalProperties)",
            "CHANGED       GET /audio-separation/{task_id}: new response field progress (not in openapi/; the client keeps it in AdditionalProperties)",
            "CHANGED       GET /audio-separation/{task_id}: field status: value 'PROCESSING' is not one openapi/ lists (the client treats an unknown status as still running)",
            "CHANGED       GET /audio-separation-result/{run_id}: new response field duration (not in openapi/; the client keeps it in AdditionalProperties)",
            "CHANGED       GET /audio-separation/{task_id} (a task that does not exist): error answer 404 is text/plain, not FastAPI's {\"detail\": …} (the client's messages lose the service's reason)",
        }));
        Assert.That(check.Lines, Does.Contain("camb check: 2 breaking, 8 changed — the service differs from openapi/: run build/update-spec.sh --fetch, and tell the vendor if its docs do not say so"));
    }

    [TestCase("extra-fields", 0, "CHANGED       GET /audio-separation-result/{run_id}: new response field duration (not in openapi/; the client keeps it in AdditionalProperties)")]
    [TestCase("new-status", 0, "CHANGED       GET /audio-separation/{task_id}: field status: value 'PROCESSING' is not one openapi/ lists (the client treats an unknown status as still running)")]
    [TestCase("renamed-field", 3, "BREAKING      GET /audio-separation-result/{run_id}: response field foreground_audio_url is missing (the answer has foreground_url instead: renamed? the client reads null)")]
    [TestCase("plain-404", 0, "CHANGED       GET /audio-separation/{task_id} (a task that does not exist): error answer 404 is text/plain, not FastAPI's {\"detail\": …} (the client's messages lose the service's reason)")]
    public async Task Check_names_one_kind_of_drift(string drift, int exit, string line)
    {
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--drift", drift);
        using var check = CambProcess.Start(_dir, simulator.Environment, "check");

        Assert.That(await check.WaitForExitAsync(Bound), Is.EqualTo(exit), check.Output);
        Assert.That(check.Lines, Does.Contain(line));
        Assert.That(check.Lines.Count(l => l.StartsWith("BREAKING", StringComparison.Ordinal) || l.StartsWith("CHANGED", StringComparison.Ordinal)),
            Is.EqualTo(drift switch { "extra-fields" or "renamed-field" => 4, _ => 1 }), check.Output);
    }

    [Test]
    public async Task Check_that_cannot_reach_the_service_exits_1_in_one_line()
    {
        var port = LoopbackPorts.Free(); // nothing listens there
        using var check = CambProcess.Start(_dir, new Dictionary<string, string> { ["CAMB_API_KEY"] = "sk-test-0123456789abcdef" },
            "check", "--base-url", $"http://127.0.0.1:{port}/apis");

        Assert.That(await check.WaitForExitAsync(Bound), Is.EqualTo(1), check.Output);
        Assert.That(check.Lines, Does.Contain($"camb check: could not finish: could not reach http://127.0.0.1:{port} (ConnectionError): check --base-url and your network"));
    }

    [Test]
    public async Task Separate_finishes_despite_benign_drift_and_says_what_the_service_sent()
    {
        File.WriteAllBytes(Path.Combine(_dir, "take.wav"), TestAudio.Wav());
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--drift", "extra-fields,new-status");
        using var separate = CambProcess.Start(_dir, simulator.Environment, "separate", "take.wav", "--out", "out");

        Assert.That(await separate.WaitForExitAsync(Bound), Is.Zero, separate.Output);
        Assert.That(File.Exists(Path.Combine(_dir, "out", "take.foreground.wav")));
        Assert.That(separate.Lines, Is.SupersetOf(new[]
        {
            "camb: the service sent `queue_position` in the create answer, `progress` in the status answer, `duration` in the result answer, which openapi/ does not know — update camb, or run build/update-spec.sh --fetch in its repository",
            "camb: the service reported status `PROCESSING`, which openapi/ does not list (treated as still running) — update camb, or run build/update-spec.sh --fetch in its repository",
        }));
    }

    [Test]
    public async Task Separate_against_a_renamed_field_fails_and_the_drift_line_says_why()
    {
        File.WriteAllBytes(Path.Combine(_dir, "take.wav"), TestAudio.Wav());
        using var simulator = await SimulatorProcess.StartAsync(_dir, "--drift", "renamed-field");
        using var separate = CambProcess.Start(_dir, simulator.Environment, "separate", "take.wav", "--out", "out");

        Assert.That(await separate.WaitForExitAsync(Bound), Is.EqualTo(1), separate.Output);
        Assert.That(separate.Output, Does.Contain("foreground_audio_url"));
        Assert.That(separate.Lines, Does.Contain(
            "camb: the service sent `foreground_url` in the result answer, which openapi/ does not know — update camb, or run build/update-spec.sh --fetch in its repository"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "out")) ? Directory.GetFiles(Path.Combine(_dir, "out"), "*.wav") : [], Is.Empty, "nothing half-written");
    }
}
