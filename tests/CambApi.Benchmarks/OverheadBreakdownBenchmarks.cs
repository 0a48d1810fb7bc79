using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using CambApi.Client;
using CambApi.Http;
using Microsoft.Extensions.Http.Resilience;
using Newtonsoft.Json;
using Polly;

namespace CambApi.Benchmarks;

/// <summary>
/// Where the per-call overhead that is left goes (full runs only, not --quick): the raw status call of
/// <see cref="PerCallBenchmarks"/> plus one thing the generated client or the pipeline does, each alone. The generated
/// client's Accept header, URL builder and response-header dictionary are written by NSwag's main template
/// (Client.Class.liquid) with no setting to leave them out; the pipeline's cost is Polly's.
/// </summary>
[MemoryDiagnoser]
public class OverheadBreakdownBenchmarks
{
    private const string BaseUrl = "https://api.example/apis/";
    private static readonly Uri Endpoint = new(BaseUrl);

    private HttpClient _raw = null!;
    private HttpClient _withBaseAddress = null!;
    private HttpClient _emptyPolly = null!;
    private HttpClient _timeoutOnly = null!;
    private HttpClient _retryAndTimeout = null!;

    [GlobalSetup]
    public void Setup()
    {
        _raw = new HttpClient(new StatusApi());
        _withBaseAddress = new HttpClient(new StatusApi()) { BaseAddress = Endpoint };
        _emptyPolly = new HttpClient(new ResilienceHandler(new ResiliencePipelineBuilder<HttpResponseMessage>().Build()) { InnerHandler = new StatusApi() });
        _timeoutOnly = new HttpClient(new ResilienceHandler(new ResiliencePipelineBuilder<HttpResponseMessage>().AddTimeout(TimeSpan.FromSeconds(30)).Build())
            { InnerHandler = new StatusApi() });
        var retryAndTimeout = CambPipeline.Resilience(new AudioSeparationClientOptions { ApiKey = "bench-key-0123456789" });
        retryAndTimeout.InnerHandler = new StatusApi();
        _retryAndTimeout = new HttpClient(new FailureTranslationHandler(TimeSpan.FromSeconds(300)) { InnerHandler = retryAndTimeout });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var client in new[] { _raw, _withBaseAddress, _emptyPolly, _timeoutOnly, _retryAndTimeout })
        {
            client.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "raw status call")]
    public Task<OrchestratorPipelineResult?> Raw() => CallAsync(_raw, Absolute());

    [Benchmark(Description = "+ Accept header parsed per call (generated)")]
    public Task<OrchestratorPipelineResult?> Accept() => CallAsync(_raw, Absolute(), request =>
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json")));

    [Benchmark(Description = "+ relative URL resolved against BaseAddress (NSwag's default)")]
    public Task<OrchestratorPipelineResult?> RelativeUrl() => CallAsync(_withBaseAddress, new Uri(new StringBuilder().Append("audio-separation/").Append("t-1").ToString(), UriKind.RelativeOrAbsolute));

    [Benchmark(Description = "+ absolute URL from a StringBuilder (ours)")]
    public Task<OrchestratorPipelineResult?> BuiltUrl() => CallAsync(_raw, new Uri(new StringBuilder("audio-separation/").Append("t-1").Insert(0, BaseUrl).ToString(), UriKind.RelativeOrAbsolute));

    [Benchmark(Description = "+ response headers copied into a dictionary (generated)")]
    public Task<OrchestratorPipelineResult?> HeaderDictionary() => CallAsync(_raw, Absolute(), onResponse: response =>
    {
        var headers = new Dictionary<string, IEnumerable<string>>();
        foreach (var header in response.Headers)
        {
            headers[header.Key] = header.Value;
        }

        foreach (var header in response.Content.Headers)
        {
            headers[header.Key] = header.Value;
        }
    });

    [Benchmark(Description = "+ Polly ResilienceHandler, empty pipeline")]
    public Task<OrchestratorPipelineResult?> EmptyPolly() => CallAsync(_emptyPolly, Absolute());

    [Benchmark(Description = "+ Polly timeout")]
    public Task<OrchestratorPipelineResult?> TimeoutOnly() => CallAsync(_timeoutOnly, Absolute());

    [Benchmark(Description = "+ the library's retry, timeout and failure translation")]
    public Task<OrchestratorPipelineResult?> RetryAndTimeout() => CallAsync(_retryAndTimeout, Absolute());

    private static Uri Absolute() => new(BaseUrl + "audio-separation/" + Uri.EscapeDataString("t-1"));

    private static async Task<OrchestratorPipelineResult?> CallAsync(HttpClient http, Uri url, Action<HttpRequestMessage>? onRequest = null, Action<HttpResponseMessage>? onResponse = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        onRequest?.Invoke(request);
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        onResponse?.Invoke(response);
        response.EnsureSuccessStatusCode();
        return JsonConvert.DeserializeObject<OrchestratorPipelineResult>(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
    }

    private sealed class StatusApi : HttpMessageHandler
    {
        private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"status":"PENDING","run_id":null,"exception_reason":null,"message":null}""");

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(Body);
            content.Headers.ContentType = new("application/json");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}
