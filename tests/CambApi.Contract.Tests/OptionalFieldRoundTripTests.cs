using CambApi.Client;
using Newtonsoft.Json;

namespace CambApi.Contract.Tests;

/// <summary>
/// FastAPI Optional[X] fields (anyOf [X, null]) as the service really sends them — null, absent, present — read the way the
/// client reads answers (tolerantly: whatever the spec makes required, an answer without it is still a model).
/// </summary>
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
        var parsed = AnswerReader.Read<OrchestratorPipelineResult>(body)!;

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
    [TestCase("{}", null)]
    public void Create_results_read_a_null_or_missing_task_id_as_null(string body, string? taskId) =>
        Assert.That(AnswerReader.Read<OrchestratorPipelineCallResult>(body)!.TaskId, Is.EqualTo(taskId));

    [Test]
    public void Status_round_trips_unknown_values_unchanged()
    {
        var parsed = AnswerReader.Read<OrchestratorPipelineResult>("""{"status":"QUEUED"}""")!;
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
