using CambApi.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Tests;

/// <summary>Waiting for a task: the poll schedule, Retry-After, every final status, the deadline, cancellation and resuming by task id.</summary>
[TestFixture]
public sealed class PollingTests : WorkflowFixture
{
    [TestCase("ERROR", "PROCESSING_ERROR", "Could not separate")]
    [TestCase("TIMEOUT", "SOURCE_TOO_LONG", "processing exceeded time limit")]
    [TestCase("PAYMENT_REQUIRED", "PAYMENT_REQUIRED", "insufficient credits")]
    public async Task Each_failure_status_stops_polling_and_throws_with_reason_and_message(string status, string reason, string message)
    {
        GivenStatuses("t-fail", Status("PENDING"), Status(status, reason: reason, message: message), Status("SUCCESS", 1));
        using var client = Client();

        var error = await Assert.ThrowsAsync<SeparationFailedException>(() => Drive(client.ResumeSeparation("t-fail").WaitForCompletionAsync()));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Status.Value, Is.EqualTo(status));
            Assert.That(error.ExceptionReason, Is.EqualTo(reason));
            Assert.That(error.ServiceMessage, Is.EqualTo(message));
            Assert.That(error.TaskId, Is.EqualTo("t-fail"));
            Assert.That(Requests(Api, "/apis/audio-separation/"), Has.Count.EqualTo(2), "no poll after a terminal status");
        });
    }

    [Test]
    public async Task Message_as_an_object_is_kept_as_json()
    {
        GivenStatuses("t-obj", """{"status":"ERROR","exception_reason":"INVALID_SOURCE_DATA","message":{"detail":"bad header","code":7}}""");
        using var client = Client();

        var error = await Assert.ThrowsAsync<SeparationFailedException>(() => Drive(client.ResumeSeparation("t-obj").WaitForCompletionAsync()));

        Assert.That(error!.ServiceMessage, Is.EqualTo("""{"detail":"bad header","code":7}"""));
    }

    [Test]
    public async Task Unknown_status_is_treated_as_still_running()
    {
        GivenStatuses("t-new", Status("QUEUED_FOR_GPU"), Status("SUCCESS", 8));
        GivenResult(8);
        using var client = Client();
        var seen = new List<SeparationProgress>();

        var result = await Drive(client.ResumeSeparation("t-new").WaitForCompletionAsync(new InlineProgress<SeparationProgress>(seen.Add)));

        Assert.That(result.RunId, Is.EqualTo(8));
        Assert.That(seen[0].Status.Value, Is.EqualTo("QUEUED_FOR_GPU"));
        Assert.That(seen[0].Status.IsKnown, Is.False);
    }

    [Test]
    public async Task Poll_interval_grows_with_the_time_waited_to_the_cap()
    {
        GivenStatuses("t-slow", Enumerable.Repeat(Status("PENDING"), 8).Append(Status("SUCCESS", 3)).ToArray());
        GivenResult(3);
        using var client = Client(o => (o.PollInitialInterval, o.PollElapsedFraction, o.PollMaxInterval) = (TimeSpan.FromSeconds(2), 0.5, TimeSpan.FromSeconds(10)));
        var seen = new List<SeparationProgress>();

        await Drive(client.ResumeSeparation("t-slow").WaitForCompletionAsync(new InlineProgress<SeparationProgress>(seen.Add)));

        // The fake clock may also move while a request is in flight, so the waits are checked against the elapsed time reported.
        var polls = seen.Where(p => p.NextPollIn is not null).ToList();
        Assert.That(polls.Select(p => p.NextPollIn!.Value.TotalSeconds),
            Is.EqualTo(polls.Select(p => Math.Min(10, 2 + (0.5 * p.Elapsed.TotalSeconds)))).Within(0.001));
        Assert.That(polls.Select(p => p.NextPollIn!.Value.TotalSeconds), Is.Ordered.And.Contains(10));
    }

    [Test]
    public async Task Retry_after_on_a_poll_is_honoured()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-busy").UsingGet()).InScenario("busy").WillSetStateTo("ok")
            .RespondWith(Json(429, """{"detail":"slow down"}""").WithHeader("Retry-After", "30"));
        Api.Given(Request.Create().WithPath("/apis/audio-separation/t-busy").UsingGet()).InScenario("busy").WhenStateIs("ok")
            .RespondWith(Json(200, Status("SUCCESS", 4)));
        GivenResult(4);
        using var client = Client(o => o.MaxRetries = 0); // the poll loop, not the retry policy, must honour it here
        var seen = new List<SeparationProgress>();

        await Drive(client.ResumeSeparation("t-busy").WaitForCompletionAsync(new InlineProgress<SeparationProgress>(seen.Add)));

        Assert.That(seen[0].NextPollIn, Is.EqualTo(TimeSpan.FromSeconds(30)));
    }

    [Test]
    public async Task Deadline_throws_a_resumable_timeout_with_the_task_id()
    {
        GivenStatuses("t-stuck", Status("PENDING"));
        using var client = Client(o => o.MaxWait = TimeSpan.FromSeconds(60));

        var error = await Assert.ThrowsAsync<SeparationTimeoutException>(() => Drive(client.ResumeSeparation("t-stuck").WaitForCompletionAsync()));

        Assert.That(error!.TaskId, Is.EqualTo("t-stuck"));
        Assert.That(error.LastStatus, Is.EqualTo(SeparationStatus.Pending));
        Assert.That(error.Waited, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task Cancellation_mid_wait_stops_polling()
    {
        GivenStatuses("t-cancel", Status("PENDING"));
        using var client = Client();
        using var cts = new CancellationTokenSource();
        var seen = new List<SeparationProgress>();
        var wait = client.ResumeSeparation("t-cancel").WaitForCompletionAsync(new InlineProgress<SeparationProgress>(p =>
        {
            seen.Add(p);
            if (seen.Count == 2)
            {
                cts.Cancel();
            }
        }), cts.Token);

        Assert.That(async () => await Drive(wait), Throws.InstanceOf<OperationCanceledException>());
        var polls = Requests(Api, "/apis/audio-separation/").Count;
        Time.Advance(TimeSpan.FromMinutes(10));
        Assert.That(Requests(Api, "/apis/audio-separation/"), Has.Count.EqualTo(polls), "no poll after cancellation");
    }

    [Test]
    public async Task Resume_from_a_stored_task_id_and_update_status()
    {
        GivenStatuses("stored-42", Status("PENDING"), Status("SUCCESS", 42));
        using var client = Client();
        var operation = client.ResumeSeparation("stored-42");

        Assert.That(operation.HasCompleted, Is.False);
        Assert.That(await operation.UpdateStatusAsync(), Is.EqualTo(SeparationStatus.Pending));
        Assert.That(await operation.UpdateStatusAsync(), Is.EqualTo(SeparationStatus.Success));
        Assert.That(operation.HasCompleted);
        Assert.That(operation.RunId, Is.EqualTo(42));
    }
}
