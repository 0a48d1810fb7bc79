using CambApi.Client;
using Newtonsoft.Json;

namespace CambApi.Contract.Tests;

/// <summary>FastAPI Optional[X] fields (anyOf [X, null]) as the service really sends them: null, absent, present.</summary>
[TestFixture]
public sealed class OptionalFieldRoundTripTests
{
    [TestCase("""{"status":"PENDING","run_id":null,"exception_reason":null,"message":null}""", "PENDING", null, null, null)]
    [TestCase("""{"status":"PENDING"}""", "PENDING", null, null, null)]
    [TestCase("""{"status":"SUCCESS","run_id":2147483647,"exception_reason":null,"message":"done"}""", "SUCCESS", 2147483647L, null, "done")]
    [TestCase("""{"status":"SUCCESS","run_id":9007199254740993,"exception_reason":null,"message":null}""", "SUCCESS", 9007199254740993L, null, null)]
    [TestCase("""{"status":"ERROR","run_id":null,"exception_reason":"SOURCE_TOO_LARGE","message":{"max_mb":20}}""", "ERROR", null, "SOURCE_TOO_LARGE", """{"max_mb":20}""")]
    [TestCase("""{"status":"BRAND_NEW","extra":[1]}""", "BRAND_NEW", null, null, null)]
    public void Task_status_bodies_parse(string body, string status, long? runId, string? reason, string? message)
    {
        var parsed = JsonConvert.DeserializeObject<OrchestratorPipelineResult>(body)!;

        Assert.Multiple(() =>
        {
            Assert.That(parsed.Status.Value, Is.EqualTo(status));
            Assert.That(parsed.RunId, Is.EqualTo(runId));
            Assert.That(parsed.ExceptionReason, Is.EqualTo(reason));
            Assert.That(parsed.Message is null ? null : parsed.Message as string ?? JsonConvert.SerializeObject(parsed.Message), Is.EqualTo(message));
        });
    }

    [TestCase("""{"task_id":"t-1"}""", "t-1")]
    [TestCase("""{"task_id":null}""", null)]
    public void Create_results_parse_a_null_task_id_as_the_vendor_types_allow(string body, string? taskId) =>
        Assert.That(JsonConvert.DeserializeObject<OrchestratorPipelineCallResult>(body)!.TaskId, Is.EqualTo(taskId));

    [Test]
    public void Create_results_without_a_task_id_are_rejected() =>
        Assert.Throws<JsonSerializationException>(() => JsonConvert.DeserializeObject<OrchestratorPipelineCallResult>("{}"));

    [Test]
    public void Status_is_required()
    {
        Assert.Throws<JsonSerializationException>(() => JsonConvert.DeserializeObject<OrchestratorPipelineResult>("""{"run_id":1}"""));
    }

    [Test]
    public void Status_round_trips_unknown_values_unchanged()
    {
        var parsed = JsonConvert.DeserializeObject<OrchestratorPipelineResult>("""{"status":"QUEUED"}""")!;
        Assert.That(JsonConvert.SerializeObject(parsed), Does.Contain("\"status\":\"QUEUED\""));
    }

    [Test]
    public void Every_spec_status_has_a_terminal_rule()
    {
        Assert.That(SeparationStatus.Known.Where(s => s.IsTerminal).Select(s => s.Value), Is.EquivalentTo(new[] { "SUCCESS", "ERROR", "TIMEOUT", "PAYMENT_REQUIRED" }));
        Assert.That(SeparationStatus.Pending.IsTerminal, Is.False);
        Assert.That(new SeparationStatus("SOMETHING_NEW").IsTerminal, Is.False);
    }
}
