using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CambApi.Simulator;

namespace CambApi.Tests;

/// <summary>The spans and metrics of one simulated separation, collected as OpenTelemetry would (by source and meter name).</summary>
[TestFixture]
[NonParallelizable] // listeners see every CambApi span and measurement in the process
public sealed class TelemetryTests
{
    [Test]
    public async Task A_separation_traces_upload_polls_wait_result_and_both_downloads_and_measures_them()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var tracing = ListenTo(spans);
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var metrics = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CambApiTelemetry.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        metrics.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        metrics.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, ToDictionary(tags))));
        metrics.Start();

        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });
        using var client = sim.CreateClient();
        var input = Path.Combine(Directory.CreateTempSubdirectory("cambapi-telemetry-").FullName, "take.wav");
        var wav = TestAudio.Wav();
        await File.WriteAllBytesAsync(input, wav);

        var files = await client.SeparateFileAsync(input, Path.GetDirectoryName(input)!);

        var byName = spans.ToLookup(s => s.OperationName);
        var upload = byName["camb.upload"].Single();
        var wait = byName["camb.wait"].Single();
        var taskId = (string)upload.GetTagItem("camb.task_id")!;
        Assert.Multiple(() =>
        {
            Assert.That(upload.GetTagItem("camb.bytes"), Is.EqualTo((long)wav.Length));
            Assert.That(byName["camb.poll"].Count(), Is.EqualTo(sim.StatusPolls).And.GreaterThan(0));
            Assert.That(byName["camb.poll"].Select(p => p.ParentId), Is.All.EqualTo(wait.Id), "each poll is a child of the wait");
            Assert.That(byName["camb.poll"].Last().GetTagItem("camb.status"), Is.EqualTo("SUCCESS"));
            Assert.That(wait.GetTagItem("camb.task_id"), Is.EqualTo(taskId));
            Assert.That(wait.GetTagItem("camb.outcome"), Is.EqualTo("success"));
            Assert.That(wait.GetTagItem("camb.run_id"), Is.EqualTo(files.Result.RunId));
            Assert.That(byName["camb.result"].Single().GetTagItem("camb.run_id"), Is.EqualTo(files.Result.RunId));
            Assert.That(byName["camb.download"].Select(d => d.GetTagItem("camb.track")), Is.EquivalentTo(new[] { "foreground", "background" }));
            Assert.That(byName["camb.download"].Select(d => d.GetTagItem("camb.bytes")),
                Is.EquivalentTo(new object[] { new FileInfo(files.ForegroundPath).Length, new FileInfo(files.BackgroundPath).Length }));
            Assert.That(spans.Select(s => s.Status), Is.All.EqualTo(ActivityStatusCode.Unset));
            var separate = byName["camb.separate"].Single();
            Assert.That(spans.Where(s => s != separate).Select(s => s.Parent?.OperationName), Is.All.AnyOf("camb.separate", "camb.wait"), "one trace per separation");
            Assert.That((separate.GetTagItem("camb.task_id"), separate.GetTagItem("camb.run_id")), Is.EqualTo(((object)taskId, (object)files.Result.RunId)));

            var everyTag = string.Join("\n", spans.SelectMany(s => s.TagObjects.Select(t => $"{t.Key}={t.Value}")));
            Assert.That(everyTag, Does.Not.Contain(sim.ApiKey).And.Not.Contain("signature").IgnoreCase.And.Not.Contain(input));

            var operations = measurements.Where(m => m.Instrument == "camb.client.operation.duration").Select(m => m.Tags["camb.operation"]).ToList();
            Assert.That(operations.Count(o => (string?)o == "create"), Is.EqualTo(1));
            Assert.That(operations.Count(o => (string?)o == "status"), Is.EqualTo(sim.StatusPolls));
            Assert.That(operations.Count(o => (string?)o == "result"), Is.EqualTo(1));
            var transferred = measurements.Where(m => m.Instrument == "camb.client.transferred").ToLookup(m => (string?)m.Tags["camb.direction"], m => m.Value);
            Assert.That(transferred["upload"].Sum(), Is.EqualTo(wav.Length));
            Assert.That(transferred["download"].Sum(), Is.EqualTo(new FileInfo(files.ForegroundPath).Length + new FileInfo(files.BackgroundPath).Length));
            Assert.That(measurements.Where(m => m.Instrument == "camb.separation.duration").Select(m => m.Tags["camb.outcome"]), Is.EqualTo(new[] { "success" }));
        });
    }

    [Test]
    public async Task A_rejected_status_call_is_an_error_span_with_the_http_status_as_error_type()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var tracing = ListenTo(spans);
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });
        using var client = sim.CreateClient();

        await Assert.CatchAsync<CambApi.Client.CambApiException>(() => client.ResumeSeparation("no-such-task").UpdateStatusAsync());

        var poll = spans.Single(s => s.OperationName == "camb.poll");
        Assert.That((poll.Status, poll.GetTagItem("error.type"), poll.GetTagItem("camb.task_id")), Is.EqualTo((ActivityStatusCode.Error, (object)"404", (object)"no-such-task")));
    }

    /// <summary>Records every CambApi span that ends, as an OpenTelemetry tracer subscribed to the source would.</summary>
    private static ActivityListener ListenTo(ConcurrentQueue<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == CambApiTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var (key, value) in tags)
        {
            result[key] = value;
        }

        return result;
    }
}
