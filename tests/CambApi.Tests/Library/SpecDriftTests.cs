using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CambApi.Client;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Tests;

/// <summary>
/// Drift seen in live answers: a field the spec does not define, a status value outside its enum, an undocumented HTTP
/// status or content type. Each is one warning per (operation, kind, name) per process, a <c>camb.client.spec_drift</c>
/// count every time, an event on the current span — names only, never a value. Calls go on. The names used here are
/// this fixture's own: the once-per-process memory is shared with every other test in the run.
/// </summary>
[TestFixture]
[NonParallelizable] // listeners see every CambApi span and measurement in the process
public sealed class SpecDriftTests : WorkflowFixture
{
    private readonly ConcurrentQueue<(string Operation, string Kind, string Name)> _drift = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private MeterListener _meters = null!;
    private ActivityListener _tracing = null!;

    [SetUp]
    public void Listen()
    {
        _drift.Clear();
        _spans.Clear();
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == CambApiTelemetry.MeterName && instrument.Name == "camb.client.spec_drift")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(x => x.Key, x => x.Value as string);
            _drift.Enqueue((t["camb.operation"]!, t["camb.drift.kind"]!, t["camb.drift.name"]!));
        });
        _meters.Start();
        _tracing = new ActivityListener
        {
            ShouldListenTo = s => s.Name == CambApiTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_tracing);
    }

    [TearDown]
    public void StopListening()
    {
        _meters.Dispose();
        _tracing.Dispose();
    }

    [Test]
    public async Task Unknown_fields_and_status_values_warn_once_count_every_time_and_never_show_a_value()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost())
            .RespondWith(Json(200, """{"task_id":"t-drift","sla_tier":"gold-customer-4411"}"""));
        GivenStatuses("t-drift",
            """{"status":"AWAITING_GPU_SLOT_7","run_id":null,"exception_reason":null,"message":null,"eta_seconds":4242}""",
            """{"status":"AWAITING_GPU_SLOT_7","run_id":null,"exception_reason":null,"message":null,"eta_seconds":4141}""",
            """{"status":"SUCCESS","run_id":77,"exception_reason":null,"message":null,"eta_seconds":0}""");
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/77").UsingGet())
            .RespondWith(Json(200, $$"""{"foreground_audio_url":"{{Storage.Url}}/f.wav?{{Signature}}","background_audio_url":"{{Storage.Url}}/b.wav?{{Signature}}","loudness_lufs":-14.25}"""));
        using var client = Client();

        var operation = await client.StartSeparationAsync(Input());
        for (var i = 0; i < 3; i++)
        {
            await operation.UpdateStatusAsync();
        }

        var result = await client.GetResultAsync(77);

        Assert.That(operation.Status, Is.EqualTo(SeparationStatus.Success), "calls go on");
        Assert.That(result.ForegroundUrl.AbsolutePath, Is.EqualTo("/f.wav"));
        var warnings = Logs.GetSnapshot().Where(l => l.Id.Id == 40).ToList();
        Assert.That(warnings.Select(w => w.Level), Is.All.EqualTo(LogLevel.Warning));
        Assert.That(warnings.Select(w => w.Message), Is.EquivalentTo(new[]
        {
            "The service's create answer has a field the spec does not describe: sla_tier. Calls go on; the client's spec may be out of date (maintainers: build/update-spec.sh --fetch). Warned once per process.",
            "The service's status answer has a field the spec does not describe: eta_seconds. Calls go on; the client's spec may be out of date (maintainers: build/update-spec.sh --fetch). Warned once per process.",
            "The service's status answer has a status value the spec does not list: AWAITING_GPU_SLOT_7. Calls go on; the client's spec may be out of date (maintainers: build/update-spec.sh --fetch). Warned once per process.",
            "The service's result answer has a field the spec does not describe: loudness_lufs. Calls go on; the client's spec may be out of date (maintainers: build/update-spec.sh --fetch). Warned once per process.",
        }), "one warning per (operation, kind, name), however often it is seen");
        Assert.That(_drift.Count(d => d == ("status", "field", "eta_seconds")), Is.EqualTo(3), "the count is every answer");
        Assert.That(_drift.Count(d => d == ("status", "status-value", "AWAITING_GPU_SLOT_7")), Is.EqualTo(2));
        var polls = _spans.Where(s => s.OperationName == "camb.poll").ToList();
        Assert.That(polls.SelectMany(p => p.Events).Where(e => e.Name == "camb.spec_drift").Select(e => e.Tags.First(t => t.Key == "camb.drift.name").Value),
            Is.EquivalentTo(new[] { "eta_seconds", "AWAITING_GPU_SLOT_7", "eta_seconds", "AWAITING_GPU_SLOT_7", "eta_seconds" }));

        var everything = string.Join("\n", warnings.Select(w => w.Message).Concat(_drift.Select(d => d.ToString()))
            .Concat(_spans.SelectMany(s => s.Events).SelectMany(e => e.Tags).Select(t => $"{t.Value}")));
        Assert.That(everything, Does.Not.Contain("gold-customer-4411").And.Not.Contain("4242").And.Not.Contain("14.25").And.Not.Contain(Signature));
    }

    [Test]
    public async Task A_promise_the_answer_breaks_is_drift_and_the_call_goes_on()
    {
        // Which fields are promised is the spec's: every required field of the status answer is left out here.
        var statusSchema = ((Microsoft.OpenApi.OpenApiSchemaReference)VendorSpec.Operations()
            .Single(o => o.Method == HttpMethod.Get && o.Path.Contains("{task_id}", StringComparison.Ordinal))
            .Operation.Responses!["200"].Content!["application/json"].Schema!).Reference.Id!;
        var promised = SpecSamples.Required(statusSchema).Order(StringComparer.Ordinal).ToList();
        var body = (Newtonsoft.Json.Linq.JObject)SpecSamples.Sample(SpecSamples.Schema(statusSchema));
        promised.ForEach(field => body.Remove(field));
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-promise").UsingGet())
            .RespondWith(Json(200, body.ToString(Newtonsoft.Json.Formatting.None)));
        using var client = Client();

        var status = await client.ResumeSeparation("t-promise").UpdateStatusAsync();

        Assert.That(status.IsTerminal, Is.False, "an answer without a status is still an answer: the task is treated as running");
        Assert.That(_drift.Where(d => d.Kind == SpecDrift.MissingField).Select(d => (d.Operation, d.Name)),
            Is.EquivalentTo(promised.Select(p => ("status", p))));
        var warnings = Logs.GetSnapshot().Where(l => l.Id.Id == 40).Select(l => l.Message).ToList();
        Assert.That(warnings, Is.EquivalentTo(promised.Select(p =>
            $"The service's status answer breaks a promise of the spec (a required field left out or null, read as null): {p}. Calls go on; the client's spec may be out of date (maintainers: build/update-spec.sh --fetch). Warned once per process.")));
    }

    [Test]
    public async Task An_undocumented_http_status_and_content_type_are_drift_too()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-conflict").UsingGet())
            .RespondWith(Json(409, """{"detail":"conflict"}"""));
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/78").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "text/html").WithBody("<html>gone</html>"));
        using var client = Client();

        await Assert.ThrowsAsync<CambApiException>(() => client.ResumeSeparation("t-conflict").UpdateStatusAsync());
        await Assert.ThrowsAsync<CambApiException>(() => client.GetResultAsync(78));

        Assert.That(_drift, Does.Contain(("status", "http-status", "409")));
        Assert.That(_drift, Does.Contain(("result", "content-type", "text/html (404)")));
    }

    [Test]
    public async Task Answers_as_the_spec_describes_them_are_not_drift()
    {
        GivenCreateReturns("t-clean");
        GivenStatuses("t-clean", Status("PENDING"), Status("SUCCESS", 79));
        GivenResult(79);
        using var client = Client();

        var operation = await client.StartSeparationAsync(Input());
        await operation.UpdateStatusAsync();
        await operation.UpdateStatusAsync();
        await client.GetResultAsync(79);

        Assert.That(_drift, Is.Empty);
        Assert.That(Logs.GetSnapshot().Where(l => l.Id.Id == 40), Is.Empty);
    }
}
