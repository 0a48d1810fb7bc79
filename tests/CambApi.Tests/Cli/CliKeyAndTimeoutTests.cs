using System.Diagnostics;
using CambApi.Cli;
using CambApi.Simulator;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CambApi.Tests;

/// <summary>
/// The CLI never prints the key, wherever it was typed, and --timeout ends the wait with the task id to resume.
/// </summary>
[TestFixture]
[NonParallelizable] // sets CAMB_API_KEY for one case
public sealed class CliKeyAndTimeoutTests
{
    private const string Key = "sk-live-4f9a8b7c6d5e4f3a2b1c0d9e";

    private string _dir = null!;

    [SetUp]
    public void Dir() => _dir = Directory.CreateTempSubdirectory("cambapi-cli-key-").FullName;

    [TearDown]
    public void Clean() => Directory.Delete(_dir, true);

    private static Task<(int Exit, string Out, string Err)> Camb(params string[] args) => CliHarness.Camb(args);

    private static IEnumerable<TestCaseData> KeyPositions()
    {
        TestCaseData Case(string name, params string[] args) => new TestCaseData((object)args).SetArgDisplayNames(name);
        yield return Case("before the command, nothing else", "--api-key", Key, "separate");
        yield return Case("after the command", "separate", "--api-key", Key);
        yield return Case("with =", "--api-key=" + Key, "bogus");
        yield return Case("with :", "status", "--api-key:" + Key);
        yield return Case("misspelt option, then the key", "separate", "x.wav", "--api-kye", Key);
        yield return Case("run together", "status", "--apikey", Key);
        yield return Case("another secret-like option", "separate", "--token=" + Key);
        yield return Case("the key also where a duration goes", "--api-key", Key, "separate", "x.wav", "--timeout", Key);
        yield return Case("the key where a run id goes", "result", Key, "--api-key", Key);
        yield return Case("the key as the command", "--api-key", Key, Key);
        yield return Case("an unknown option before it", "--bogus", "--api-key", Key, "status");
    }

    [TestCaseSource(nameof(KeyPositions))]
    public async Task The_key_is_never_printed_wherever_it_is_typed(string[] args)
    {
        var (exit, stdout, stderr) = await Camb(args);

        Assert.That(exit, Is.EqualTo(ExitCodes.BadUsage), stderr);
        Assert.That(stderr, Is.Not.Empty, "a usage error is explained");
        Assert.That(stdout + stderr, Does.Not.Contain(Key).And.Not.Contain(Key[..12]));
    }

    [Test]
    public async Task The_key_from_the_environment_is_never_printed_either()
    {
        var previous = Environment.GetEnvironmentVariable("CAMB_API_KEY");
        Environment.SetEnvironmentVariable("CAMB_API_KEY", Key);
        try
        {
            var (exit, stdout, stderr) = await Camb(Key, "--json");

            Assert.That(exit, Is.EqualTo(ExitCodes.BadUsage));
            Assert.That(stderr, Does.Contain("***"));
            Assert.That(stdout + stderr, Does.Not.Contain(Key));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CAMB_API_KEY", previous);
        }
    }

    [Test]
    public async Task Api_key_and_base_url_work_before_and_after_the_command()
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });
        using var client = sim.CreateClient();
        var operation = await client.StartSeparationAsync(Wav());
        var url = sim.BaseAddress.ToString();

        var before = await Camb("--api-key", sim.ApiKey, "--base-url", url, "status", operation.TaskId);
        var after = await Camb("status", operation.TaskId, "--base-url", url, "--api-key", sim.ApiKey);

        Assert.That(before.Exit, Is.EqualTo(ExitCodes.Success), before.Err);
        Assert.That(after.Exit, Is.EqualTo(ExitCodes.Success), after.Err);
        Assert.That(before.Out, Is.EqualTo(after.Out));
        Assert.That(before.Out + before.Err + after.Out + after.Err, Does.Not.Contain(sim.ApiKey));
    }

    [Test]
    public async Task Timeout_ends_a_stalled_status_call_with_the_task_id_and_exit_4()
    {
        using var api = WireMockServer.Start();
        api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(FastApiBodies.Created("task-stalled-7")));
        // The status call never answers in time: 300 s per attempt and 3 retries would hold it for 20 minutes.
        api.Given(Request.Create().WithPath("/apis/audio-separation/task-stalled-7").UsingGet())
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromMinutes(5)).WithStatusCode(200).WithBody("""{"status":"PENDING"}"""));
        var clock = Stopwatch.StartNew();

        var (exit, _, stderr) = await Camb("separate", Wav(), "--out", Path.Combine(_dir, "out"), "--base-url", api.Url + "/apis/", "--api-key", Key, "--timeout", "1s");

        Assert.That(exit, Is.EqualTo(ExitCodes.TimedOut), stderr);
        Assert.That(stderr, Does.Contain("camb: take.wav: still PENDING after").And.Contain("task task-stalled-7 goes on at the service — run the same command again to resume"));
        Assert.That(stderr, Does.Not.Contain("   at ").And.Not.Contain("Exception"));
        // Not a timing assertion: proof that the in-flight request did not hold the CLI for its own 300 s.
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)));
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "out")).Select(Path.GetFileName), Is.EqualTo(new[] { ".camb-journal.jsonl" }), "only the journal, which holds the task id");
    }

    [TestCase("90s", 90)]
    [TestCase("10m", 600)]
    [TestCase("2h", 7200)]
    [TestCase("1.5h", 5400)]
    [TestCase("500ms", 0.5)]
    [TestCase("00:10:00", 600)]
    public void Durations_take_explicit_units(string text, double seconds)
    {
        Assert.That(Durations.TryParse(text, out var value, out var error), Is.True, error);
        Assert.That(value, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [TestCase("5", "'5' has no unit; write it as 90s, 10m or 2h.")]
    [TestCase("10x", "'10x' is not a duration; write it as 90s, 10m, 2h or hh:mm:ss.")]
    [TestCase("0s", "'0s' must be longer than zero.")]
    [TestCase("-5s", "'-5s' is not a duration; write it as 90s, 10m, 2h or hh:mm:ss.")]
    public void Durations_without_a_unit_or_not_positive_are_refused_with_a_hint(string text, string message)
    {
        Assert.That(Durations.TryParse(text, out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(message));
    }

    [Test]
    public async Task A_bare_number_for_timeout_is_bad_usage_with_a_hint()
    {
        var (exit, _, stderr) = await Camb("separate", Wav(), "--timeout", "5");

        Assert.That(exit, Is.EqualTo(ExitCodes.BadUsage));
        Assert.That(stderr.Trim(), Is.EqualTo("camb: --timeout: '5' has no unit; write it as 90s, 10m or 2h."));
    }

    [TestCase("api-key", true)]
    [TestCase("api-kye", true)]
    [TestCase("apikey", true)]
    [TestCase("API_KEY", true)]
    [TestCase("token", true)]
    [TestCase("password", true)]
    [TestCase("out", false)]
    [TestCase("timeout", false)]
    [TestCase("base-url", false)]
    public void Secret_option_names_are_recognised(string name, bool secret) =>
        Assert.That(Secrets.NamesASecret(name), Is.EqualTo(secret));

    private string Wav()
    {
        var path = Path.Combine(_dir, "take.wav");
        if (!File.Exists(path))
        {
            File.WriteAllBytes(path, TestAudio.Wav(channels: 2, sampleRate: 16000, samples: 4000));
        }

        return path;
    }
}
