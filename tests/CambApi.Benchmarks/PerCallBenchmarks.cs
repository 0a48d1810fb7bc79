using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using CambApi.Client;
using CambApi.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;

namespace CambApi.Benchmarks;

/// <summary>
/// What one status call costs on top of the network: every variant talks to the same in-memory handler (a fresh
/// JSON answer per call, no I/O), so the differences are the client's own work. The baseline is what a careful
/// hand-written call does: HttpClient + the key header + Newtonsoft into the same model.
/// </summary>
[MemoryDiagnoser]
public class PerCallBenchmarks
{
    private const string StatusJson = """{"status":"PENDING","run_id":null,"exception_reason":null,"message":null}""";
    private static readonly Uri Endpoint = new("https://api.example/apis/");
    private static readonly Uri StatusUri = new("https://api.example/apis/audio-separation/t-1");

    private HttpClient _raw = null!;
    private HttpClient _rawThroughPipeline = null!;
    private CambApiRestClient _generated = null!;
    private AudioSeparationClient _library = null!;
    private SeparationOperation _operation = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new AudioSeparationClientOptions { ApiKey = "bench-key-0123456789", Endpoint = Endpoint };
        _raw = new HttpClient(new InMemoryApi());
        _raw.DefaultRequestHeaders.Add(ApiKey.HeaderName, options.ApiKey);
        // The library's API chain exactly (failure translation, resilience, buffering, redacting logging, the key), logging off.
        _rawThroughPipeline = new HttpClient(CambResilience.CreateHandler(options,
            new RedactingLoggingHandler(NullLogger.Instance, "api") { InnerHandler = new ApiKeyHandler(options.ApiKey, Endpoint) { InnerHandler = new InMemoryApi() } },
            bufferResponses: true));
        _generated = CambApiRestClient.Create(options.ApiKey, Endpoint, new InMemoryApi());
        _library = new AudioSeparationClient(options, loggerFactory: null, new InMemoryApi(), new InMemoryApi());
        _operation = _library.ResumeSeparation("t-1");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _rawThroughPipeline.Dispose();
        _library.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw HttpClient + Newtonsoft")]
    public async Task<OrchestratorPipelineResult?> Raw() => await ReadStatusAsync(_raw).ConfigureAwait(false);

    [Benchmark(Description = "raw through the library's pipeline")]
    public async Task<OrchestratorPipelineResult?> RawThroughPipeline() => await ReadStatusAsync(_rawThroughPipeline).ConfigureAwait(false);

    [Benchmark(Description = "generated client")]
    public Task<OrchestratorPipelineResult> Generated() => _generated.GetAudioSeparationStatusAsync("t-1");

    [Benchmark(Description = "library UpdateStatusAsync")]
    public Task<Client.TaskStatus> Library() => _operation.UpdateStatusAsync();

    private static async Task<OrchestratorPipelineResult?> ReadStatusAsync(HttpClient http)
    {
        using var response = await http.GetAsync(StatusUri).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return JsonConvert.DeserializeObject<OrchestratorPipelineResult>(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
    }

    /// <summary>Answers every request with the same status JSON, as a fresh response.</summary>
    private sealed class InMemoryApi : HttpMessageHandler
    {
        private static readonly byte[] Body = Encoding.UTF8.GetBytes(StatusJson);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(Body);
            content.Headers.ContentType = new("application/json");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}
