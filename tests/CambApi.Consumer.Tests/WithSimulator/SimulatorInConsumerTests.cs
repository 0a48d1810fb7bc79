using CambApi;
using CambApi.Client;
using CambApi.Simulator;

namespace CambApi.Consumer.Tests.WithSimulator;

// Written as a consumer's test project would use the simulator package; the README quotes the two regions below
// and DocsTests checks the quotes still match, so the documented code is compiled and run here.

// docs: per-run-fixture
/// <summary>One simulator for every test in this namespace, started once per test run.</summary>
[SetUpFixture]
public sealed class CambSimulatorFixture
{
    public static CambSimulator Simulator { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => Simulator = await CambSimulator.StartAsync(new SimulatorOptions
    {
        ProcessingTime = TimeSpan.Zero,
        Scenario = name => name.StartsWith("flagged", StringComparison.Ordinal)
            ? SimulatedOutcome.Failure("ERROR", "HARMFUL_CONTENT_DETECTED")
            : SimulatedOutcome.Success,
    });

    [OneTimeTearDown]
    public async Task StopAsync() => await Simulator.DisposeAsync();
}
// docs: end

[TestFixture]
public sealed class SimulatorInConsumerTests : InAudioFolder
{
    public SimulatorInConsumerTests()
        : base("talk.wav")
    {
    }

    [Test]
    public async Task Three_lines()
    {
        // docs: three-lines
        await using var sim = await CambSimulator.StartAsync();
        using var client = sim.CreateClient();
        var files = await client.SeparateFileAsync("talk.wav", "out");
        // docs: end

        Assert.That(File.Exists(files.ForegroundPath) && File.Exists(files.BackgroundPath), Is.True);
    }

    [Test]
    public async Task Using_the_per_run_simulator_and_asserting_on_traffic()
    {
        // docs: traffic
        var sim = CambSimulatorFixture.Simulator;
        var uploadsBefore = sim.Uploads;
        using var client = sim.CreateClient();

        await client.SeparateFileAsync("talk.wav", "out");

        Assert.That(sim.Uploads - uploadsBefore, Is.EqualTo(1));
        var upload = sim.Requests.Last(r => r.Method == "POST");
        Assert.That((upload.FileName, upload.Headers[ApiKey.HeaderName]), Is.EqualTo(("talk.wav", RecordedRequest.Redacted)));
        // docs: end
    }

    [Test]
    public async Task A_scripted_failure_reaches_the_consumer_as_a_typed_exception()
    {
        File.Copy("talk.wav", "flagged-take.wav");
        using var client = CambSimulatorFixture.Simulator.CreateClient();

        var error = await Assert.ThrowsAsync<SeparationFailedException>(() => client.SeparateFileAsync("flagged-take.wav", "out"));

        Assert.That(error.ExceptionReason, Is.EqualTo("HARMFUL_CONTENT_DETECTED"));
    }
}
