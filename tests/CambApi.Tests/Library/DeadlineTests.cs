using Microsoft.Extensions.DependencyInjection;

namespace CambApi.Tests;

/// <summary>
/// Deadlines hold against a stalled connection, on fake time: MaxWait ends the whole wait, the request in flight
/// included, and a per-attempt timeout reaches the caller as the library's own type.
/// </summary>
[TestFixture]
public sealed class DeadlineTests : WorkflowFixture
{
    [Test]
    public async Task A_stalled_status_request_is_abandoned_at_MaxWait_whatever_its_own_timeout_and_retries()
    {
        var stall = new StallingTransport();
        // 300 s per attempt and 3 retries would keep the request alive for over 20 minutes.
        using var client = Client(o => o.MaxWait = TimeSpan.FromSeconds(10), apiTransport: stall);
        var wait = client.ResumeSeparation("task-stalled").WaitForCompletionAsync();
        await stall.Started;

        Time.Advance(TimeSpan.FromSeconds(9.9));
        await Task.WhenAny(wait, Task.Delay(100));
        Assert.That(wait.IsCompleted, Is.False, "nothing ends before the deadline");

        Time.Advance(TimeSpan.FromSeconds(0.1));
        // A guard, not a timing assertion: a regression would otherwise hang on the stalled request.
        await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.That(wait.IsCompleted, Is.True, "the wait must end at the deadline");
        var error = await Assert.ThrowsAsync<SeparationTimeoutException>(() => wait);

        Assert.That(error!.TaskId, Is.EqualTo("task-stalled"));
        Assert.That(error.Waited, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(error.LastStatus, Is.EqualTo(CambApi.Client.SeparationStatus.Pending));
        Assert.That(stall.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task The_callers_cancellation_stays_a_cancellation()
    {
        var stall = new StallingTransport();
        using var client = Client(o => o.MaxWait = TimeSpan.FromSeconds(10), apiTransport: stall);
        using var cancel = new CancellationTokenSource();
        var wait = client.ResumeSeparation("t").WaitForCompletionAsync(cancel.Token);
        await stall.Started;

        await cancel.CancelAsync();

        Assert.That(async () => await wait, Throws.InstanceOf<OperationCanceledException>());
    }

    [TestCase(0, 1)]
    [TestCase(2, 3)]
    public async Task A_per_attempt_timeout_is_the_librarys_own_timeout_not_pollys(int retries, int attempts)
    {
        var stall = new StallingTransport();
        using var client = Client(o => { o.AttemptTimeout = TimeSpan.FromSeconds(5); o.MaxRetries = retries; }, apiTransport: stall);

        var error = await Assert.ThrowsAsync<CambRequestTimeoutException>(() => Drive(client.ResumeSeparation("t-1").UpdateStatusAsync()));

        Assert.That(error!.Method, Is.EqualTo("GET"));
        Assert.That(error.RedactedUrl!.AbsolutePath, Is.EqualTo("/apis/audio-separation/t-1"));
        Assert.That(error.AttemptTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(error.Message, Is.EqualTo("GET /apis/audio-separation/t-1 got no answer within 5 s."));
        Assert.That(error, Is.InstanceOf<CambException>(), "one of the library's failure types");
        Assert.That(error.IsTransient, Is.True);
        Assert.That(stall.Calls, Is.EqualTo(attempts));
    }

    [Test]
    public async Task The_dependency_injection_pipeline_raises_the_same_timeout()
    {
        var stall = new StallingTransport();
        var services = new ServiceCollection().AddCambApi(o =>
        {
            o.ApiKey = Key;
            o.Endpoint = new Uri(Api.Url + "/apis/");
            o.TimeProvider = Time;
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.MaxRetries = 0;
        });
        services.ConfigurePrimaryHttpMessageHandler(() => stall); // the usual IHttpClientBuilder call, on what AddCambApi returns
        await using var provider = services.Services.BuildServiceProvider();
        var client = provider.GetRequiredService<AudioSeparationClient>();

        Assert.That(async () => await Drive(client.GetResultAsync(5)), Throws.InstanceOf<CambRequestTimeoutException>());
    }
}
