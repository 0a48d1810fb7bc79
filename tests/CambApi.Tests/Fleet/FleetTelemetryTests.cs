using System.Diagnostics;
using System.Security.Cryptography;
using CambApi.Fleet;
using CambApi.Simulator;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CambApi.Tests;

/// <summary>
/// The fleet's telemetry as a team's collector sees it, read through OpenTelemetry's in-memory exporter: a worker separates
/// two files on the embedded store, and its spans and metrics say what it did — never the key or a URL.
/// </summary>
[TestFixture]
[NonParallelizable] // the meters are process-wide: another fleet test's measurements would mix in
public sealed class FleetTelemetryTests
{
    [Test]
    public async Task A_worker_reports_its_steps_uploads_status_reads_and_the_fleet_by_state()
    {
        var dir = Directory.CreateTempSubdirectory("camb-fleet-telemetry-").FullName;
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        await using var simulator = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.FromMilliseconds(300) });
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "in"));
            var hashes = new List<string>();
            for (var i = 0; i < 2; i++)
            {
                var bytes = TestAudio.Wav(samples: 700 + i);
                File.WriteAllBytes(Path.Combine(dir, "in", $"t{i}.wav"), bytes);
                hashes.Add(Convert.ToHexStringLower(SHA256.HashData(bytes)));
            }

            using (var tracing = Sdk.CreateTracerProviderBuilder().AddSource(CambFleetTelemetry.ActivitySourceName).AddInMemoryExporter(spans).Build())
            using (var metering = Sdk.CreateMeterProviderBuilder().AddMeter(CambFleetTelemetry.MeterName).AddInMemoryExporter(metrics).Build())
            {
                var fleet = await CambFleet.OpenAsync(new FleetOptions { EmbeddedFolder = dir, SweepInterval = TimeSpan.FromMilliseconds(200) });
                await fleet.SubmitAsync([Path.Combine(dir, "in")], Path.Combine(dir, "out"));
                using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                var result = await fleet.WorkAsync(simulator.Configure, untilIdle: true, report: null, bound.Token);
                Assert.That(result.Unfinished, Is.Zero);
                metering.ForceFlush();
                tracing.ForceFlush();
            }

            var steps = spans.Where(s => s.OperationName == "camb.fleet.step").ToList();
            Assert.Multiple(() =>
            {
                Assert.That(steps.Where(s => (string?)s.GetTagItem("camb.fleet.step") == "upload").Select(s => s.GetTagItem("camb.fleet.file.sha256")),
                    Is.EquivalentTo(hashes), "one upload step a file, named by its hash");
                Assert.That(steps.Where(s => (string?)s.GetTagItem("camb.fleet.step") == "poll").Select(s => s.GetTagItem("camb.task_id")),
                    Has.All.Not.Null, "a status read's step carries its task id");
                Assert.That(Sum(metrics, "camb.fleet.uploads", ("camb.fleet.outcome", "accepted")), Is.EqualTo(2));
                Assert.That(Sum(metrics, "camb.fleet.status_reads", ("camb.status", "SUCCESS")), Is.EqualTo(2), "each task read done once");
                Assert.That(Count(metrics, "camb.fleet.step.duration", ("camb.fleet.step", "upload")), Is.EqualTo(2));
                Assert.That(Last(metrics, "camb.fleet.files", ("camb.fleet.state", "done"), ("db.namespace", "embedded")), Is.EqualTo(2), "the fleet by state, as the last sweep read it");
                Assert.That(Last(metrics, "camb.fleet.gate.in_flight", ("db.namespace", "embedded")), Is.Zero);
                var values = spans.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? "").ToList();
                Assert.That(values.Where(v => v.Contains(simulator.ApiKey, StringComparison.Ordinal) || v.Contains("://", StringComparison.Ordinal)), Is.Empty,
                    "never the key or a URL");
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static IEnumerable<MetricPoint> Points(List<MetricSnapshot> metrics, string name, params (string Key, string Value)[] tags) =>
        metrics.Where(m => m.Name == name).SelectMany(m =>
        {
            var points = new List<MetricPoint>();
            foreach (var point in m.MetricPoints)
            {
                var all = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    all[tag.Key] = tag.Value;
                }

                if (tags.All(t => all.TryGetValue(t.Key, out var v) && (string?)v == t.Value))
                {
                    points.Add(point);
                }
            }

            return points;
        });

    /// <summary>A counter's total over its exports (the in-memory exporter keeps one cumulative export per flush: the latest).</summary>
    private static long Sum(List<MetricSnapshot> metrics, string name, params (string, string)[] tags) =>
        Points(metrics, name, tags).Select(p => p.GetSumLong()).DefaultIfEmpty(0).Last();

    private static long Count(List<MetricSnapshot> metrics, string name, params (string, string)[] tags) =>
        Points(metrics, name, tags).Select(p => p.GetHistogramCount()).DefaultIfEmpty(0).Last();

    private static long Last(List<MetricSnapshot> metrics, string name, params (string, string)[] tags) =>
        Points(metrics, name, tags).Select(p => p.GetGaugeLastValueLong()).DefaultIfEmpty(-1).Last();
}
