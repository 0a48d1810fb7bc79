using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using CambApi.Client;
using CambApi.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json;

namespace CambApi.Benchmarks;

/// <summary>The API calls measured per call: the poll, one run's result, the batch lookup.</summary>
public enum ApiCall
{
    Status,
    Result,
    Batch,
}

/// <summary>
/// What one API call costs on top of the network: every variant talks to the same in-memory handler (a fresh JSON
/// answer per call, no I/O), so the differences are the client's own work. The baseline is what a careful hand-written
/// call does: build the URL for this call, send it with HttpClient and the key header, parse the body with Newtonsoft
/// into the same model. "Through the pipeline" variants send that same raw call through the library's handler chain
/// (failure translation, retry and timeout, buffering, redacting logging, the key), built directly or by DI.
/// </summary>
[MemoryDiagnoser]
public class PerCallBenchmarks
{
    private const string TaskId = "t-1";
    private const string ApiKey = "bench-key-0123456789";
    private const string BaseUrl = "https://api.example/apis/";
    private static readonly Uri Endpoint = new(BaseUrl);
    private static readonly long[] RunIds = [7, 8];

    private HttpClient _raw = null!;
    private HttpClient _rawThroughPipeline = null!;
    private HttpClient _rawThroughDiPipeline = null!;
    private CambApiRestClient _generated = null!;
    private AudioSeparationClient _library = null!;
    private AudioSeparationClient _libraryDi = null!;
    private AudioSeparationClient _libraryLogged = null!;
    private SeparationOperation _operation = null!;
    private SeparationOperation _operationDi = null!;
    private SeparationOperation _operationLogged = null!;
    private ServiceProvider _services = null!;

    [ParamsAllValues]
    public ApiCall Call { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new AudioSeparationClientOptions { ApiKey = ApiKey, Endpoint = Endpoint };
        _raw = new HttpClient(new InMemoryApi());
        _raw.DefaultRequestHeaders.Add(Client.ApiKey.HeaderName, ApiKey);
        // The directly constructed client's API chain exactly, on an HttpClient set up as the client sets its own.
        _rawThroughPipeline = new HttpClient(CambPipeline.Api(options, NullLoggerFactory.Instance, new InMemoryApi())) { Timeout = Timeout.InfiniteTimeSpan };
        _generated = CambApiRestClient.Create(ApiKey, Endpoint, new InMemoryApi());
        _library = new AudioSeparationClient(options, loggerFactory: null, new InMemoryApi(), new InMemoryApi());
        _libraryLogged = new AudioSeparationClient(options, LoggerFactory.Create(b => b.AddProvider(new DiscardingLoggerProvider())), new InMemoryApi(), new InMemoryApi());

        var services = new ServiceCollection().AddLogging();
        services.AddCambApi(o => (o.ApiKey, o.Endpoint) = (ApiKey, Endpoint)).ConfigurePrimaryHttpMessageHandler(() => new InMemoryApi());
        _services = services.BuildServiceProvider();
        _libraryDi = _services.GetRequiredService<AudioSeparationClient>();
        _rawThroughDiPipeline = _services.GetRequiredService<IHttpClientFactory>().CreateClient(CambApiServiceCollectionExtensions.ApiHttpClientName);

        (_operation, _operationDi, _operationLogged) = (_library.ResumeSeparation(TaskId), _libraryDi.ResumeSeparation(TaskId), _libraryLogged.ResumeSeparation(TaskId));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _rawThroughPipeline.Dispose();
        _library.Dispose();
        _libraryLogged.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw HttpClient + Newtonsoft")]
    public Task<object?> Raw() => RawCallAsync(_raw, Call);

    [Benchmark(Description = "raw through the library's pipeline")]
    public Task<object?> RawThroughPipeline() => RawCallAsync(_rawThroughPipeline, Call);

    [Benchmark(Description = "raw through the DI pipeline")]
    public Task<object?> RawThroughDiPipeline() => RawCallAsync(_rawThroughDiPipeline, Call);

    [Benchmark(Description = "generated client")]
    public async Task<object?> Generated() => Call switch
    {
        ApiCall.Status => await _generated.GetAudioSeparationStatusAsync(TaskId).ConfigureAwait(false),
        ApiCall.Result => await _generated.GetAudioSeparationRunInfoAsync(RunIds[0]).ConfigureAwait(false),
        _ => await _generated.GetAudioSeparationRunsResultsAsync(new RunIDsRequestPayload { RunIds = RunIds }).ConfigureAwait(false),
    };

    [Benchmark(Description = "library call")]
    public Task<object?> Library() => LibraryCallAsync(_library, _operation, Call);

    [Benchmark(Description = "library call through DI")]
    public Task<object?> LibraryThroughDi() => LibraryCallAsync(_libraryDi, _operationDi, Call);

    [Benchmark(Description = "library call, Information logging on")]
    public Task<object?> LibraryLogged() => LibraryCallAsync(_libraryLogged, _operationLogged, Call);

    private static async Task<object?> LibraryCallAsync(AudioSeparationClient client, SeparationOperation operation, ApiCall call) => call switch
    {
        ApiCall.Status => await operation.UpdateStatusAsync().ConfigureAwait(false),
        ApiCall.Result => await client.GetResultAsync(RunIds[0]).ConfigureAwait(false),
        _ => await client.GetResultsAsync(RunIds).ConfigureAwait(false),
    };

    /// <summary>The hand-written call: an absolute URL built for this call (the ids vary per call), then Newtonsoft.</summary>
    private static async Task<object?> RawCallAsync(HttpClient http, ApiCall call)
    {
        using var request = call switch
        {
            ApiCall.Status => new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl + "audio-separation/" + Uri.EscapeDataString(TaskId))),
            ApiCall.Result => new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl + "audio-separation-result/" + RunIds[0].ToString(System.Globalization.CultureInfo.InvariantCulture))),
            _ => new HttpRequestMessage(HttpMethod.Post, new Uri(BaseUrl + "audio-separation-results"))
            {
                Content = new StringContent(JsonConvert.SerializeObject(new RunIDsRequestPayload { RunIds = RunIds }), Encoding.UTF8, "application/json"),
            },
        };
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        return call switch
        {
            ApiCall.Status => JsonConvert.DeserializeObject<OrchestratorPipelineResult>(text),
            ApiCall.Result => JsonConvert.DeserializeObject<AudioSeparationRunInfoResponse>(text),
            _ => JsonConvert.DeserializeObject<Dictionary<string, AudioSeparationRunInfoResponse>>(text),
        };
    }

    /// <summary>Answers each call with its documented JSON, as a fresh response.</summary>
    private sealed class InMemoryApi : HttpMessageHandler
    {
        private const string Run = """{"foreground_audio_url":"https://storage.example/7/fg.wav?X-Amz-Signature=s","background_audio_url":"https://storage.example/7/bg.wav?X-Amz-Signature=s"}""";
        private static readonly byte[] Status = Encoding.UTF8.GetBytes("""{"status":"PENDING","run_id":null,"exception_reason":null,"message":null}""");
        private static readonly byte[] Result = Encoding.UTF8.GetBytes(Run);
        private static readonly byte[] Batch = Encoding.UTF8.GetBytes($$"""{"7":{{Run}},"8":{{Run.Replace("/7/", "/8/", StringComparison.Ordinal)}}}""");

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var content = new ByteArrayContent(path.StartsWith("/apis/audio-separation/", StringComparison.Ordinal) ? Status
                : path.EndsWith("-results", StringComparison.Ordinal) ? Batch : Result);
            content.Headers.ContentType = new("application/json");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }

    /// <summary>Logging switched on at Information but written nowhere: the cost of the client's logging, not of a sink.</summary>
    private sealed class DiscardingLoggerProvider : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }

        public void Dispose()
        {
        }
    }
}
