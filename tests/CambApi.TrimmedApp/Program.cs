using System.Net;
using System.Text;
using CambApi;
using CambApi.Client;
using Microsoft.Extensions.DependencyInjection;

// What a trimmed consumer does: configure through DI, poll a task, read its result, read a 422. Every answer is canned
// by the handler below, so the published app runs anywhere; a trimmed-away member shows up as a wrong value or a crash.
var services = new ServiceCollection();
services.AddCambApi(o =>
{
    o.ApiKey = "trimmed-app-key-0123456789";
    o.Endpoint = new Uri("https://api.invalid/apis/");
    o.PollInitialInterval = TimeSpan.FromMilliseconds(1);
});
services.AddHttpClient(CambApiServiceCollectionExtensions.ApiHttpClientName).ConfigurePrimaryHttpMessageHandler(() => new CannedApi());
await using var provider = services.BuildServiceProvider();
var client = provider.GetRequiredService<AudioSeparationClient>();

var result = await client.ResumeSeparation("t-1").WaitForCompletionAsync();
Check(result.RunId == 7 && result.ForegroundUrl.AbsoluteUri == "https://s.invalid/f.wav", $"result {result}");
var batch = await client.GetResultsAsync([7]);
Check(batch[7].BackgroundUrl.AbsoluteUri == "https://s.invalid/b.wav", "batch result");
try
{
    await client.ResumeSeparation("bad").UpdateStatusAsync();
    Check(false, "a 422 must throw");
}
catch (CambApiException<HTTPValidationError> e)
{
    Check(e.Result.Detail!.Single().Loc.Last().AsString() == "task_id" && e.ServiceDetail == "path.task_id: String should match pattern", $"422 read as {e.ServiceDetail}");
}

Console.WriteLine("trimmed app: status, result, batch and 422 read correctly");
return 0;

static void Check(bool ok, string what)
{
    if (!ok)
    {
        Console.Error.WriteLine($"trimmed app: wrong {what}");
        Environment.Exit(1);
    }
}

internal sealed class CannedApi : HttpMessageHandler
{
    private const string Urls = """{"foreground_audio_url":"https://s.invalid/f.wav","background_audio_url":"https://s.invalid/b.wav"}""";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (status, body) = request.RequestUri!.AbsolutePath switch
        {
            "/apis/audio-separation/t-1" => (HttpStatusCode.OK, """{"status":"SUCCESS","run_id":7,"exception_reason":null,"message":null}"""),
            "/apis/audio-separation-result/7" => (HttpStatusCode.OK, Urls),
            "/apis/audio-separation-results" => (HttpStatusCode.OK, "{\"7\":" + Urls + "}"),
            "/apis/audio-separation/bad" => (HttpStatusCode.UnprocessableEntity,
                """{"detail":[{"type":"string_pattern_mismatch","loc":["path","task_id"],"msg":"String should match pattern","input":"bad","ctx":{"pattern":"^t-"}}]}"""),
            _ => (HttpStatusCode.NotFound, """{"detail":"Not Found"}"""),
        };
        return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
