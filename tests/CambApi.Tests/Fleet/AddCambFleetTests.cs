using CambApi.Fleet;
using CambApi.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CambApi.Tests;

/// <summary>A library user's fleet: <c>AddCambApi</c> and <c>AddCambFleet</c> in a host; the worker runs with the host.</summary>
[TestFixture]
[NonParallelizable]
public sealed class AddCambFleetTests
{
    [Test]
    public async Task A_hosted_worker_separates_what_the_app_submits_on_the_apps_own_client()
    {
        var dir = Directory.CreateTempSubdirectory("camb-fleet-host-").FullName;
        await using var simulator = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "in"));
            File.WriteAllBytes(Path.Combine(dir, "in", "a.wav"), TestAudio.Wav(samples: 801));
            File.WriteAllBytes(Path.Combine(dir, "in", "b.wav"), TestAudio.Wav(samples: 802));
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddCambApi(simulator.Configure);
            builder.Services.AddCambFleet(o => (o.EmbeddedFolder, o.SweepInterval) = (dir, TimeSpan.FromMilliseconds(200)));
            using var host = builder.Build();
            await host.StartAsync();

            var fleet = await host.Services.GetRequiredService<CambFleetConnection>().GetAsync();
            await fleet.SubmitAsync([Path.Combine(dir, "in")], Path.Combine(dir, "out"));
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while ((await fleet.StatusAsync(bound.Token)).Counts.GetValueOrDefault(FleetFileState.Done) < 2)
            {
                await Task.Delay(100, bound.Token); // waiting for a condition, bounded: not a timing assertion
            }

            await host.StopAsync();
            Assert.That(simulator.Uploads, Is.EqualTo(2));
            Assert.That(Directory.GetFiles(Path.Combine(dir, "out"), "*.wav"), Has.Length.EqualTo(4));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
