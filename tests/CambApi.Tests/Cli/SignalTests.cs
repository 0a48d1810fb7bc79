using System.Net.Sockets;

namespace CambApi.Tests;

/// <summary>
/// SIGTERM is Ctrl+C: real signals sent to real <c>camb</c> processes, as a service manager sends them. A separation
/// stopped mid-poll says how to resume and exits 128 + the signal; running the same command again uploads nothing.
/// <c>camb simulate</c> stops on SIGTERM and closes its listeners.
/// </summary>
[TestFixture]
[NonParallelizable] // each test starts processes
public sealed class SignalTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30); // a bound on a wait, never a measure

    private string _dir = null!;

    [SetUp]
    public void Folder() => _dir = Directory.CreateTempSubdirectory("camb-signals-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_dir, recursive: true);

    /// <summary>A <c>camb simulate</c> process and the variables that reach it.</summary>
    private static async Task<(CambProcess Simulator, Dictionary<string, string> Environment)> SimulateAsync(string directory, params string[] flags)
    {
        var simulator = await SimulatorProcess.StartAsync(directory, flags);
        return (simulator.Process, simulator.Environment);
    }

    [TestCase(15, 143, "camb: stopping on SIGTERM, cleanly (a second signal quits at once)")]
    [TestCase(2, 130, "camb: stopping, cleanly (Ctrl+C again to quit at once)")]
    public async Task A_signal_mid_poll_says_how_to_resume_and_the_same_command_uploads_nothing_again(int signal, int exitCode, string stopping)
    {
        File.WriteAllBytes(Path.Combine(_dir, "take.wav"), TestAudio.Wav());
        var (simulator, environment) = await SimulateAsync(_dir, "--processing-time", "5s");
        using (simulator)
        {
            using (var separate = CambProcess.Start(_dir, environment, "separate", "take.wav", "--out", "out"))
            {
                await separate.WaitForLineAsync(l => l.Contains("PENDING", StringComparison.Ordinal), Bound, "a poll that found the task PENDING");
                separate.Signal(signal);

                Assert.That(await separate.WaitForExitAsync(Bound), Is.EqualTo(exitCode), separate.Output);
                Assert.That(separate.Lines, Does.Contain(stopping));
                Assert.That(separate.Lines.Any(l => l.StartsWith("camb: take.wav: interrupted; task ", StringComparison.Ordinal) &&
                                                   l.EndsWith("goes on at the service — run the same command again to resume (nothing is uploaded twice)", StringComparison.Ordinal)),
                    separate.Output);
                Assert.That(Directory.GetFiles(Path.Combine(_dir, "out"), "*.wav"), Is.Empty, "nothing half-written");
            }

            using (var again = CambProcess.Start(_dir, environment, "separate", "take.wav", "--out", "out"))
            {
                Assert.That(await again.WaitForExitAsync(Bound), Is.Zero, again.Output);
                Assert.That(again.Output, Does.Contain("resuming task"));
            }

            Assert.That(simulator.Lines.Count(l => l.StartsWith("simulator: upload ", StringComparison.Ordinal)), Is.EqualTo(1), simulator.Output);
            Assert.That(Directory.GetFiles(Path.Combine(_dir, "out"), "take.*.wav"), Has.Length.EqualTo(2));
        }
    }

    [Test]
    public async Task Sigterm_stops_camb_simulate_and_closes_its_listeners()
    {
        var (simulator, environment) = await SimulateAsync(_dir);
        using (simulator)
        {
            var api = new Uri(environment["CAMB_BASE_URL"]);

            simulator.Signal(15);

            Assert.That(await simulator.WaitForExitAsync(Bound), Is.Zero, simulator.Output);
            using var client = new TcpClient();
            var refused = await Assert.CatchAsync<SocketException>(async () => await client.ConnectAsync(api.Host, api.Port));
            Assert.That(refused!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused), "the listener is closed");
        }
    }
}
