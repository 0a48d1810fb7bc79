using CambApi.Fleet;
using CambApi.Simulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CambApi.Tests;

/// <summary>
/// A fleet fault inside a library user's host (<c>AddCambFleet</c>): the fleet's PostgreSQL stops under the hosted worker and
/// comes back. The application is never stopped (.NET stops a host whose background service throws, by default), the
/// app's log has the outage's two lines and no exception, and the worker finishes every file, each uploaded once.
/// </summary>
[TestFixture]
[Category("Slow")]
[Category("Postgres")]
[NonParallelizable]
public sealed class HostedFleetFaultTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120); // a bound on a wait, never a measure

    [Test]
    public async Task A_database_outage_under_a_hosted_worker_never_stops_the_application_and_nothing_is_paid_twice()
    {
        var dir = Directory.CreateTempSubdirectory("camb-fleet-host-fault-").FullName;
        using var server = PostgresServer.StartOwn();
        var db = server.CreateDatabase();
        await using var simulator = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.FromSeconds(2) });
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "in"));
            for (var i = 0; i < 4; i++)
            {
                File.WriteAllBytes(Path.Combine(dir, "in", $"take{i}.wav"), TestAudio.Wav(samples: 900 + i));
            }

            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders().AddFakeLogging();
            builder.Services.AddCambApi(simulator.Configure);
            builder.Services.AddCambFleet(o => (o.Database, o.EmbeddedFolder, o.SweepInterval) = (db, dir, TimeSpan.FromMilliseconds(200)));
            using var host = builder.Build();
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            var log = host.Services.GetFakeLogCollector();
            await host.StartAsync();

            var fleet = await host.Services.GetRequiredService<CambFleetConnection>().GetAsync();
            await fleet.SubmitAsync([Path.Combine(dir, "in")], Path.Combine(dir, "out"));
            await UntilAsync(() => Task.FromResult(simulator.Uploads >= 1), "the first upload");

            server.Stop();
            var lost = $"lost PostgreSQL at 127.0.0.1:{server.Port}";
            await UntilAsync(() => Task.FromResult(log.GetSnapshot().Any(r => r.Message.StartsWith(lost, StringComparison.Ordinal))), "the outage line");
            server.Restart();
            await UntilAsync(async () => (await fleet.StatusAsync(CancellationToken.None)).Counts.GetValueOrDefault(FleetFileState.Done) == 4, "4 files done");

            Assert.Multiple(() =>
            {
                Assert.That(lifetime.ApplicationStopping.IsCancellationRequested, Is.False, "the application goes on");
                Assert.That(simulator.Uploads, Is.EqualTo(4), "one upload a file");
                var messages = log.GetSnapshot().Select(r => r.Message).ToList();
                Assert.That(messages.Count(m => m.Contains(" is back after ", StringComparison.Ordinal)), Is.EqualTo(1), string.Join('\n', messages));
                Assert.That(log.GetSnapshot().Where(r => r.Exception is not null || r.Message.Contains("Exception", StringComparison.Ordinal)), Is.Empty,
                    "one line, never an exception");
            });
            await host.StopAsync();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (!await condition())
        {
            Assert.That(bound.IsCancellationRequested, Is.False, $"no {what} within {Bound.TotalSeconds} s");
            await Task.Delay(100, CancellationToken.None); // waiting for a condition, bounded: not a timing assertion
        }
    }
}
