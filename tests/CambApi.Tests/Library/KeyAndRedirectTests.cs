using CambApi.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Tests;

/// <summary>The key stays on the API host: storage never sees it, logs never show it or a signature, and redirects are followed only where that holds.</summary>
[TestFixture]
public sealed class KeyAndRedirectTests : WorkflowFixture
{
    private static readonly byte[] ForegroundBytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
    private static readonly byte[] BackgroundBytes = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 13)).ToArray();

    [Test]
    public async Task Storage_host_never_sees_the_api_key_and_logs_never_show_it_or_the_signature()
    {
        GivenCreateReturns("task-2");
        GivenStatuses("task-2", Status("SUCCESS", 5));
        GivenResult(5);
        GivenStorageServes("/bucket/f.wav", ForegroundBytes);
        GivenStorageServes("/bucket/b.wav", BackgroundBytes);
        using var client = Client();

        await Drive(client.SeparateFileAsync(Input(), Path.Combine(WorkDir, "out")));

        Assert.That(Storage.LogEntries, Has.Count.EqualTo(2));
        Assert.That(Storage.LogEntries.Any(HasKeyHeader), Is.False, "the storage host must never receive x-api-key");
        Assert.That(Storage.LogEntries.All(e => e.RequestMessage!.RawQuery!.Contains(Signature)), "the signed query is sent to storage");
        var logs = LogMessages();
        Assert.That(logs, Is.Not.Empty);
        Assert.That(logs, Has.None.Contains(Key).And.None.Contains("deadbeef"));
        Assert.That(logs, Has.Some.Contains("/bucket/f.wav"), "downloads are logged, without their query");
    }

    [Test]
    public async Task Api_redirect_to_another_host_is_not_followed_so_the_key_stays_home()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/12").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", Storage.Url + "/steal"));
        Storage.Given(Request.Create().UsingAnyMethod()).RespondWith(Json(200, "{}"));
        using var client = Client();

        var error = await Assert.CatchAsync<CambApiException>(() => Drive(client.GetResultAsync(12)));

        Assert.That(error!.StatusCode, Is.EqualTo(302));
        Assert.That(Storage.LogEntries, Is.Empty, "the redirect target never received the request, let alone the key");
    }

    [Test]
    public async Task Storage_redirects_are_followed_without_any_key()
    {
        using var mirror = WireMock.Server.WireMockServer.Start();
        mirror.Given(Request.Create().WithPath("/real/f.wav").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody(ForegroundBytes));
        mirror.Given(Request.Create().WithPath("/real/b.wav").UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody(BackgroundBytes));
        Storage.Given(Request.Create().WithPath("/bucket/f.wav").UsingGet()).RespondWith(Response.Create().WithStatusCode(307).WithHeader("Location", mirror.Url + "/real/f.wav"));
        Storage.Given(Request.Create().WithPath("/bucket/b.wav").UsingGet()).RespondWith(Response.Create().WithStatusCode(307).WithHeader("Location", mirror.Url + "/real/b.wav"));
        GivenResult(21);
        using var client = Client();

        var files = await Drive(client.GetResultAsync(21).ContinueWith(t => client.DownloadAsync(t.Result, WorkDir, "r"), TaskScheduler.Default).Unwrap());

        Assert.That(File.ReadAllBytes(files.BackgroundPath), Is.EqualTo(BackgroundBytes));
        Assert.That(mirror.LogEntries.Any(HasKeyHeader) || Storage.LogEntries.Any(HasKeyHeader), Is.False);
    }
}
