using CambApi.Http;
using CambApi.Fleet;
using Microsoft.Extensions.Time.Testing;

namespace CambApi.Tests;

/// <summary>
/// The gate <c>camb separate</c> shares with the fleet (the same rules, in memory): room up to a ceiling, halved by a refusal
/// once per pause, every place held back until the pause ends, widened by accepted uploads. On fake time.
/// </summary>
[TestFixture]
public sealed class GateTests
{
    [Test]
    public async Task A_refusal_halves_the_room_once_per_pause_and_holds_everyone_until_it_ends()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var gate = new LocalGate(8, time);
        var places = new List<IDisposable>();
        for (var i = 0; i < 8; i++)
        {
            places.Add(await gate.EnterAsync(CancellationToken.None));
        }

        Assert.That(await gate.ThrottledAsync(TimeSpan.FromSeconds(5), uploadRefused: true, CancellationToken.None), Is.EqualTo(4.0));
        Assert.That(await gate.ThrottledAsync(TimeSpan.FromSeconds(2), uploadRefused: true, CancellationToken.None), Is.EqualTo(4.0), "the same pause: no second halving");
        foreach (var place in places)
        {
            place.Dispose();
        }

        var waiting = gate.EnterAsync(CancellationToken.None);
        Assert.That(waiting.IsCompleted, Is.False, "nobody enters during the pause");
        time.Advance(TimeSpan.FromSeconds(5));
        using (await waiting.WaitAsync(TimeSpan.FromSeconds(10)))
        {
            Assert.That(gate.Room, Is.EqualTo(4));
        }

        for (var i = 0; i < 4; i++)
        {
            gate.Accepted();
        }

        Assert.That(gate.Room, Is.EqualTo(4), "4 + 4 × 1/limit ≈ 4.9: additive, not doubling");
        for (var i = 0; i < 40; i++)
        {
            gate.Accepted();
        }

        Assert.That(gate.Room, Is.EqualTo(8), "never past the ceiling");
    }

    [TestCase(8.0, 4.0)]
    [TestCase(1.0, 1.0)]
    public void Decrease_halves_but_keeps_one(double limit, double expected) => Assert.That(GateRules.Decrease(limit), Is.EqualTo(expected));

    /// <summary><c>camb separate</c> with room for 12 against a service that takes 2 tasks at a time: all done, each uploaded once.</summary>
    [Test]
    [Category("Slow")]
    [NonParallelizable]
    public async Task Camb_separate_backs_off_to_the_services_limit_and_uploads_each_file_once()
    {
        var dir = Directory.CreateTempSubdirectory("camb-gate-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "in"));
            for (var i = 0; i < 6; i++)
            {
                File.WriteAllBytes(Path.Combine(dir, "in", $"clip{i}.wav"), TestAudio.Wav(samples: 800 + i));
            }

            using var simulator = await SimulatorProcess.StartAsync(dir, "--max-in-flight", "2", "--processing-time", "1s", "--retry-after", "1s");
            using var separate = CambProcess.Start(dir, simulator.Environment, "separate", "in", "--out", "out", "--concurrency", "12");

            Assert.That(await separate.WaitForExitAsync(TimeSpan.FromSeconds(120)), Is.Zero, separate.Output);
            Assert.That(simulator.AcceptedUploads, Has.Count.EqualTo(6).And.Unique);
            Assert.That(simulator.Requests.Count(r => r.Status == 429), Is.GreaterThan(0), "the service's limit was met");
            Assert.That(Directory.GetFiles(Path.Combine(dir, "out"), "*.wav"), Has.Length.EqualTo(12));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
