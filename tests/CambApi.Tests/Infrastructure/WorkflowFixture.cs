using CambApi.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CambApi.Tests;

/// <summary>
/// Two WireMock servers on dynamic loopback ports: the API (under /apis/) and a storage host serving the
/// result URLs, as presigned storage does. Time is a <see cref="FakeTimeProvider"/>: no test waits for real.
/// </summary>
public abstract class WorkflowFixture
{
    protected const string Key = "wf-key-7c1d9e22b4";
    protected const string Signature = "X-Amz-Signature=deadbeef";

    protected WireMockServer Api { get; private set; } = null!;

    protected WireMockServer Storage { get; private set; } = null!;

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected FakeLogCollector Logs { get; private set; } = null!;

    protected string WorkDir { get; private set; } = null!;

    private ILoggerFactory _loggers = null!;

    [OneTimeSetUp]
    public void StartServers()
    {
        Api = WireMockServer.Start();
        Storage = WireMockServer.Start();
    }

    [OneTimeTearDown]
    public void StopServers()
    {
        Api.Dispose();
        Storage.Dispose();
    }

    [SetUp]
    public void Reset()
    {
        Api.Reset();
        Storage.Reset();
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var provider = new FakeLoggerProvider();
        Logs = provider.Collector;
        _loggers = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Trace));
        WorkDir = Directory.CreateTempSubdirectory("cambapi-tests-").FullName;
    }

    [TearDown]
    public void Cleanup()
    {
        _loggers.Dispose();
        Directory.Delete(WorkDir, recursive: true);
    }

    protected AudioSeparationClientOptions Options(Action<AudioSeparationClientOptions>? tweak = null)
    {
        var options = new AudioSeparationClientOptions
        {
            ApiKey = Key,
            Endpoint = new Uri(Api.Url + "/apis/"),
            TimeProvider = Time,
            MaxWait = TimeSpan.FromMinutes(5),
        };
        tweak?.Invoke(options);
        return options;
    }

    protected AudioSeparationClient Client(Action<AudioSeparationClientOptions>? tweak = null, HttpMessageHandler? storageTransport = null, HttpMessageHandler? apiTransport = null) =>
        new(Options(tweak), _loggers, apiTransport, storageTransport);

    /// <summary>A transport whose requests never answer until cancelled: a stalled connection.</summary>
    protected sealed class StallingTransport : HttpMessageHandler
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        /// <summary>Completes when the first request is in flight.</summary>
        public Task Started => _started.Task;

        public int Calls => _calls;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            _started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    protected string Input(string name = "demo.wav", int bytes = 4096)
    {
        var path = Path.Combine(WorkDir, name);
        var data = new byte[bytes];
        new Random(bytes).NextBytes(data);
        File.WriteAllBytes(path, data);
        return path;
    }

    protected void GivenCreateReturns(string taskId) =>
        Api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost())
            .RespondWith(Json(200, FastApiBodies.Created(taskId)));

    /// <summary>The status endpoint answers each body in turn, then repeats the last.</summary>
    protected void GivenStatuses(string taskId, params string[] bodies)
    {
        for (var i = 0; i < bodies.Length; i++)
        {
            var request = Api.Given(Request.Create().WithPath($"/apis/audio-separation/{taskId}").UsingGet()).InScenario("status " + taskId);
            var when = i == 0 ? request : request.WhenStateIs($"poll {i}");
            (i < bodies.Length - 1 ? when.WillSetStateTo($"poll {i + 1}") : when).RespondWith(Json(200, bodies[i]));
        }
    }

    protected void GivenResult(long runId, string foregroundPath = "/bucket/f.wav", string backgroundPath = "/bucket/b.wav") =>
        Api.Given(Request.Create().WithPath($"/apis/audio-separation-result/{runId}").UsingGet())
            .RespondWith(Json(200, FastApiBodies.Result($"{Storage.Url}{foregroundPath}?{Signature}", $"{Storage.Url}{backgroundPath}?{Signature}")));

    protected void GivenStorageServes(string path, byte[] bytes) =>
        Storage.Given(Request.Create().WithPath(path).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "audio/wav").WithBody(bytes));

    protected static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    protected static string Status(string status, long? runId = null, string? reason = null, string? message = null) =>
        FastApiBodies.Status(status, runId, reason, message);

    /// <summary>
    /// Runs <paramref name="task"/> to completion, advancing fake time a second at a time while it waits.
    /// The short real wait only lets loopback I/O progress; no assertion depends on real time.
    /// </summary>
    protected async Task<T> Drive<T>(Task<T> task, TimeSpan? step = null)
    {
        for (var i = 0; !task.IsCompleted && i < 200_000; i++)
        {
            await Task.WhenAny(task, Task.Delay(5));
            if (!task.IsCompleted)
            {
                Time.Advance(step ?? TimeSpan.FromSeconds(1));
            }
        }

        return await task;
    }

    protected IReadOnlyList<string> LogMessages() => Logs.GetSnapshot().Select(r => r.Message + " " + r.Exception).ToList();

    protected static IReadOnlyList<WireMock.Logging.ILogEntry> Requests(WireMockServer server, string pathPrefix) =>
        server.LogEntries.Where(e => e.RequestMessage!.AbsolutePath.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

    protected static bool HasKeyHeader(WireMock.Logging.ILogEntry entry) =>
        entry.RequestMessage!.Headers?.Keys.Any(k => string.Equals(k, ApiKey.HeaderName, StringComparison.OrdinalIgnoreCase)) == true;
}
