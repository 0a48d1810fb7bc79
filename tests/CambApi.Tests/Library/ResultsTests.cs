using CambApi.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Tests;

/// <summary>Reading results, one run or many: trace context, 64-bit run ids, and the read-only calls retried like GETs.</summary>
[TestFixture]
public sealed class ResultsTests : WorkflowFixture
{
    [Test]
    public async Task Batch_results_send_traceparent_from_the_current_activity_and_64_bit_ids()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-results").UsingPost())
            .RespondWith(Json(200, """{"9007199254740993":{"foreground_audio_url":"https://s.example/f.wav","background_audio_url":"https://s.example/b.wav"}}"""));
        using var client = Client();
        using var activity = new System.Diagnostics.Activity("test").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();

        var results = await client.GetResultsAsync([9_007_199_254_740_993]);

        var request = Api.LogEntries.Single().RequestMessage!;
        Assert.That(request.Headers!["traceparent"].Single(), Is.EqualTo(activity.Id));
        Assert.That(request.Body, Is.EqualTo("""{"run_ids":[9007199254740993]}"""));
        Assert.That(results.Keys, Is.EqualTo(new[] { 9_007_199_254_740_993L }));
    }

    [Test]
    public async Task Retry_policy_honours_retry_after_on_a_get()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/9").UsingGet()).InScenario("r").WillSetStateTo("ok")
            .RespondWith(Json(503, "{}").WithHeader("Retry-After", "45"));
        GivenResult(9);
        using var client = Client(o => o.RetryMaxDelay = TimeSpan.FromMinutes(2));
        var call = client.GetResultAsync(9);

        var result = await Drive(call);

        Assert.That(result.RunId, Is.EqualTo(9));
        var times = Requests(Api, "/apis/audio-separation-result/9").Select(e => e.RequestMessage!.DateTime).ToList();
        Assert.That(times, Has.Count.EqualTo(2));
        Assert.That(Time.GetUtcNow() - new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero), Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(45)),
            "the retry waited at least Retry-After on the fake clock");
    }

    [Test]
    public async Task Batch_results_are_keyed_by_run_id()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-results").UsingPost())
            .RespondWith(Json(200, """{"1001":{"foreground_audio_url":"https://s.example/1f.wav","background_audio_url":"https://s.example/1b.wav"},"1002":{"foreground_audio_url":"https://s.example/2f.wav","background_audio_url":"https://s.example/2b.wav"}}"""));
        using var client = Client();

        var results = await client.GetResultsAsync([1001, 1002, 1001]);

        Assert.That(results.Keys, Is.EquivalentTo(new long[] { 1001, 1002 }));
        Assert.That(results[1002].BackgroundUrl, Is.EqualTo(new Uri("https://s.example/2b.wav")));
        Assert.That(Api.LogEntries.Single().RequestMessage!.Body, Is.EqualTo("""{"run_ids":[1001,1002]}"""));
    }

    [Test]
    public async Task Batch_results_post_is_retried_like_a_get_because_it_only_reads()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-results").UsingPost()).InScenario("batch").WillSetStateTo("ok")
            .RespondWith(Json(502, "<html/>"));
        Api.Given(Request.Create().WithPath("/apis/audio-separation-results").UsingPost()).InScenario("batch").WhenStateIs("ok")
            .RespondWith(Json(200, """{"7":{"foreground_audio_url":"https://s.example/f.wav","background_audio_url":"https://s.example/b.wav"}}"""));
        using var client = Client();

        var results = await Drive(client.GetResultsAsync([7]));

        Assert.That(results.Keys, Is.EqualTo(new long[] { 7 }));
        Assert.That(Api.LogEntries, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Gets_are_retried_on_5xx_then_give_up_with_the_generic_error()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/6").UsingGet()).RespondWith(Json(502, "<html/>"));
        using var client = Client(o => o.MaxRetries = 2);

        var error = await Assert.CatchAsync<CambApiException>(() => Drive(client.GetResultAsync(6)));

        Assert.That(error!.StatusCode, Is.EqualTo(502));
        Assert.That(Api.LogEntries, Has.Count.EqualTo(3));
    }
}
