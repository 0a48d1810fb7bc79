using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CambApi.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CambApi.Simulator;

/// <summary>What the simulator does with one uploaded file (chosen by <see cref="SimulatorOptions.Scenario"/>).</summary>
public sealed record SimulatedOutcome
{
    /// <summary>Separate the file for real and end in SUCCESS.</summary>
    public static SimulatedOutcome Success { get; } = new();

    /// <summary>The terminal status: SUCCESS separates the file; ERROR, TIMEOUT, PAYMENT_REQUIRED fail it.</summary>
    public string Status { get; init; } = "SUCCESS";

    public string? ExceptionReason { get; init; }

    public string? Message { get; init; }

    /// <summary>How long the task stays PENDING; null for <see cref="SimulatorOptions.ProcessingTime"/>.</summary>
    public TimeSpan? ProcessingTime { get; init; }

    /// <summary>Extra time before every API response about this file (upload and polls).</summary>
    public TimeSpan AddedLatency { get; init; }

    /// <summary>The first N polls of the task get 429 with Retry-After.</summary>
    public int BusyPolls { get; init; }

    /// <summary>The first N polls of the task are cut off mid-answer (a connection reset after part of the JSON).</summary>
    public int ResetPolls { get; init; }

    /// <summary>The first N polls of the task send their headers and part of the JSON, then nothing until the client gives up.</summary>
    public int StallPolls { get; init; }

    /// <summary>The first N uploads of a file of this name get 503 with Retry-After.</summary>
    public int UnavailableUploads { get; init; }

    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>A task that ends in <paramref name="status"/> with the service's reason and message.</summary>
    public static SimulatedOutcome Failure(string status, string exceptionReason, string? message = null) =>
        new() { Status = status, ExceptionReason = exceptionReason, Message = message };
}

/// <summary>A fault the storage host plays on one download request (see <see cref="SimulatorOptions.StorageFaults"/>).</summary>
public sealed record StorageFault
{
    private StorageFault()
    {
    }

    /// <summary>The HTTP status answered instead of the file (403 as an expired link, 404, 500, ...); null for none.</summary>
    public int? StatusCode { get; private init; }

    /// <summary>Send this many bytes of the body, then reset the connection; null for none.</summary>
    public long? ResetAfterBytes { get; private init; }

    /// <summary>Send this many bytes, then send nothing more until the client gives up; null for none.</summary>
    public long? StallAfterBytes { get; private init; }

    /// <summary>Answer <paramref name="statusCode"/> with a short text body.</summary>
    public static StorageFault Status(int statusCode) => new() { StatusCode = statusCode };

    /// <summary>A connection reset after <paramref name="bytes"/> bytes of the body.</summary>
    public static StorageFault ResetAfter(long bytes) => new() { ResetAfterBytes = bytes };

    /// <summary>A body that stops after <paramref name="bytes"/> bytes and never ends.</summary>
    public static StorageFault StallAfter(long bytes) => new() { StallAfterBytes = bytes };
}

public sealed class SimulatorOptions
{
    /// <summary>The key clients must send; a random one by default.</summary>
    public string ApiKey { get; set; } = "sim-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>How long a task stays PENDING.</summary>
    public TimeSpan ProcessingTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a result URL stays valid.</summary>
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Chooses an outcome per upload (by file name, say); every upload succeeds by default.</summary>
    public Func<string, SimulatedOutcome>? Scenario { get; set; }

    /// <summary>Decode MP3, FLAC and AAC with ffmpeg when it is on PATH (otherwise they end in SOURCE_TYPE_NOT_SUPPORTED).</summary>
    public bool UseFfmpeg { get; set; } = true;

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Raised for each accepted upload (a task created): file name, task id, uploads so far.</summary>
    public event Action<string, string, int>? UploadAccepted;

    internal void OnUploadAccepted(string fileName, string taskId, int count) => UploadAccepted?.Invoke(fileName, taskId, count);

    /// <summary>Faults for the storage host, one per download request, in order; requests after the last are served normally.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<StorageFault> StorageFaults { get; } = new();
}

/// <summary>
/// The audio-separation API on loopback: the four endpoints of openapi/camb-api.yaml under <c>/apis/</c>, and a
/// separate storage host (its own port) serving expiring, signed result URLs that refuse <c>x-api-key</c>.
/// An ASP.NET Core minimal host rather than WireMock, because it must run real logic: multipart parsing,
/// separation, task state and URL signing.
/// </summary>
public sealed partial class CambSimulator : IAsyncDisposable
{
    private readonly SimulatorOptions _options;
    private readonly WebApplication _api;
    private readonly WebApplication _storage;
    private readonly ConcurrentDictionary<string, SimTask> _tasks = new();
    private readonly ConcurrentDictionary<string, int> _uploadsByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, (byte[] Foreground, byte[] Background)> _runs = new();
    private readonly byte[] _signingKey = RandomNumberGenerator.GetBytes(32);
    private long _nextRunId = 1000;
    private int _storageRequests;
    private int _statusPolls;
    private int _uploads;
    private int _storageRangeRequests;

    private CambSimulator(SimulatorOptions options)
    {
        _options = options;
        _api = Build(MapApi);
        _storage = Build(MapStorage);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public Uri StorageAddress { get; private set; } = null!;

    public string ApiKey => _options.ApiKey;

    /// <summary>Uploads accepted so far (tasks created): what a user would have paid for.</summary>
    public int Uploads => _uploads;

    /// <summary>Faults the storage host plays, one per download request (the same queue as <see cref="SimulatorOptions.StorageFaults"/>).</summary>
    public ConcurrentQueue<StorageFault> StorageFaults => _options.StorageFaults;

    /// <summary>Storage requests that asked for a Range (resumed downloads).</summary>
    public int StorageRangeRequests => _storageRangeRequests;

    /// <summary>Status requests received (retries included).</summary>
    public int StatusPolls => _statusPolls;

    /// <summary>Requests the storage host has answered (ranges and failures included).</summary>
    public int StorageRequests => _storageRequests;

    /// <summary>Starts both hosts on dynamic loopback ports.</summary>
    public static async Task<CambSimulator> StartAsync(SimulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var simulator = new CambSimulator(options ?? new SimulatorOptions());
        await simulator._api.StartAsync(cancellationToken).ConfigureAwait(false);
        await simulator._storage.StartAsync(cancellationToken).ConfigureAwait(false);
        simulator.BaseAddress = new Uri(Address(simulator._api) + "/apis/");
        simulator.StorageAddress = new Uri(Address(simulator._storage) + "/");
        return simulator;
    }

    /// <summary>A client for this simulator, polling briskly; tweak anything else through <paramref name="configure"/>.</summary>
    public AudioSeparationClient CreateClient(Action<AudioSeparationClientOptions>? configure = null, ILoggerFactory? loggerFactory = null)
    {
        var options = new AudioSeparationClientOptions
        {
            ApiKey = ApiKey,
            Endpoint = BaseAddress,
            PollInitialInterval = TimeSpan.FromMilliseconds(250),
            PollMaxInterval = TimeSpan.FromSeconds(1),
        };
        configure?.Invoke(options);
        return new AudioSeparationClient(options, loggerFactory);
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync().ConfigureAwait(false);
        await _storage.DisposeAsync().ConfigureAwait(false);
    }

    private static WebApplication Build(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o => o.MultipartBodyLengthLimit = 512L << 20);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 512L << 20);
        var app = builder.Build();
        map(app);
        return app;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');

    private void MapApi(WebApplication app)
    {
        var apis = app.MapGroup("/apis").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers[CambApi.Client.ApiKey.HeaderName].ToString() == _options.ApiKey
                ? await next(context).ConfigureAwait(false)
                : Results.Json(new { detail = "Invalid or missing API key" }, statusCode: 401));

        apis.MapPost("/audio-separation", CreateAsync).DisableAntiforgery();
        apis.MapGet("/audio-separation/{task_id}", (HttpContext context, string task_id) => StatusAsync(context, task_id));
        apis.MapGet("/audio-separation-result/{run_id}", (string run_id) =>
            // FastAPI takes any integer (Python ints are unbounded; 64-bit here): an unknown one is a 404, not a 422.
            long.TryParse(run_id, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id)
                ? _runs.ContainsKey(id) ? Results.Json(ResultUrls(id)) : Results.Json(new { detail = "Run not found" }, statusCode: 404)
                : Validation(("path", "run_id"), "int_parsing", "Input should be a valid integer, unable to parse string as an integer", run_id));
        apis.MapPost("/audio-separation-results", BatchAsync);
    }

    private async Task<IResult> CreateAsync(HttpRequest request)
    {
        if (!request.HasFormContentType)
        {
            return Validation(("body", "media_file"), "missing", "Field required", null);
        }

        var form = await request.ReadFormAsync().ConfigureAwait(false);
        if (form.Files.GetFile("media_file") is not { } file)
        {
            return Validation(("body", "media_file"), "missing", "Field required", null);
        }

        if (form.TryGetValue("folder_id", out var folder) && !long.TryParse(folder, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return Validation(("body", "folder_id"), "int_parsing", "Input should be a valid integer, unable to parse string as an integer", folder.ToString());
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer).ConfigureAwait(false);
        var outcome = _options.Scenario?.Invoke(file.FileName) ?? SimulatedOutcome.Success;
        await Latency(outcome).ConfigureAwait(false);
        if (_uploadsByName.AddOrUpdate(file.FileName, 1, (_, n) => n + 1) <= outcome.UnavailableUploads)
        {
            return new RetryAfter(Results.Json(new { detail = "Service temporarily unavailable" }, statusCode: 503), outcome.RetryAfterSeconds);
        }

        var id = Guid.NewGuid().ToString();
        var task = new SimTask(file.FileName, buffer.ToArray(), outcome, _options.TimeProvider.GetUtcNow() + (outcome.ProcessingTime ?? _options.ProcessingTime));
        task.Finishing = new Lazy<Task<object>>(() => FinishAsync(task));
        _tasks[id] = task;
        _options.OnUploadAccepted(file.FileName, id, Interlocked.Increment(ref _uploads));
        return Results.Json(new { task_id = id });
    }

    private async Task<IResult> StatusAsync(HttpContext context, string taskId)
    {
        Interlocked.Increment(ref _statusPolls);
        if (!_tasks.TryGetValue(taskId, out var task))
        {
            return Results.Json(new { detail = "Task not found" }, statusCode: 404);
        }

        await Latency(task.Outcome).ConfigureAwait(false);
        var reset = Interlocked.Decrement(ref task.ResetPollsLeft) >= 0;
        if (reset || Interlocked.Decrement(ref task.StallPollsLeft) >= 0)
        {
            // Headers and half the JSON, then the connection goes (a dropped proxy, a restarting pod) or goes quiet.
            var partial = """{"status":"PEND"""u8.ToArray();
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 64;
            await context.Response.Body.WriteAsync(partial, context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            if (!reset)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }

            context.Abort();
            return Results.Empty;
        }

        if (Interlocked.Decrement(ref task.BusyPollsLeft) >= 0)
        {
            return new RetryAfter(Results.Json(new { detail = "Too many requests" }, statusCode: 429), task.Outcome.RetryAfterSeconds);
        }

        return _options.TimeProvider.GetUtcNow() < task.ReadyAt
            ? Results.Json(StatusBody("PENDING"))
            : Results.Json(await task.Finishing!.Value.ConfigureAwait(false));
    }

    private async Task<object> FinishAsync(SimTask task)
    {
        if (task.Outcome.Status != "SUCCESS")
        {
            return StatusBody(task.Outcome.Status, reason: task.Outcome.ExceptionReason, message: task.Outcome.Message);
        }

        PcmWav input;
        try
        {
            input = await MediaDecoder.DecodeAsync(task.FileName, task.Data, _options.UseFfmpeg, CancellationToken.None).ConfigureAwait(false);
        }
        catch (NotSupportedException e)
        {
            return StatusBody("ERROR", reason: "SOURCE_TYPE_NOT_SUPPORTED", message: e.Message);
        }
        catch (InvalidDataException e)
        {
            return StatusBody("ERROR", reason: "INVALID_SOURCE_DATA", message: e.Message);
        }

        var (foreground, background) = Separator.Separate(input);
        var runId = Interlocked.Increment(ref _nextRunId);
        _runs[runId] = (foreground.ToBytes(), background.ToBytes());
        return StatusBody("SUCCESS", runId);
    }

    /// <summary>An <c>OrchestratorPipelineResult</c>, nulls included, as FastAPI serializes it.</summary>
    private static object StatusBody(string status, long? runId = null, string? reason = null, string? message = null) =>
        new { status, run_id = runId, exception_reason = reason, message };

    private Task Latency(SimulatedOutcome outcome) =>
        outcome.AddedLatency > TimeSpan.Zero ? Task.Delay(outcome.AddedLatency, _options.TimeProvider) : Task.CompletedTask;

    private async Task<IResult> BatchAsync(HttpRequest request)
    {
        RunIDsRequestPayload? payload = null;
        try
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            payload = Newtonsoft.Json.JsonConvert.DeserializeObject<RunIDsRequestPayload>(await reader.ReadToEndAsync().ConfigureAwait(false));
        }
        catch (Newtonsoft.Json.JsonException)
        {
        }

        if (payload?.Run_ids is null)
        {
            return Validation(("body", "run_ids"), "missing", "Field required", null);
        }

        return Results.Json(payload.Run_ids.Where(id => _runs.ContainsKey(id)).Distinct()
            .ToDictionary(id => id.ToString(CultureInfo.InvariantCulture), id => ResultUrls(id)));
    }

    private object ResultUrls(long runId)
    {
        var expires = (_options.TimeProvider.GetUtcNow() + _options.UrlLifetime).ToUnixTimeSeconds();
        return new
        {
            foreground_audio_url = SignedUrl(runId, "foreground", expires),
            background_audio_url = SignedUrl(runId, "background", expires),
        };
    }

    private string SignedUrl(long runId, string track, long expires) =>
        $"{StorageAddress}files/{runId}/{track}.wav?expires={expires}&signature={Sign(runId, track, expires)}";

    private string Sign(long runId, string track, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_signingKey, Encoding.UTF8.GetBytes($"{runId}/{track}/{expires}")));

    private void MapStorage(WebApplication app) =>
        app.MapGet("/files/{run_id:long}/{track}.wav", async (HttpContext context, long run_id, string track, long? expires, string? signature) =>
        {
            Interlocked.Increment(ref _storageRequests);
            var request = context.Request;
            if (request.Headers.Range.Count > 0)
            {
                Interlocked.Increment(ref _storageRangeRequests);
            }

            if (request.Headers.ContainsKey(CambApi.Client.ApiKey.HeaderName))
            {
                return Results.Text("Requests to storage must not carry x-api-key.", statusCode: 400);
            }

            if (expires is null || signature is null || !CryptographicOperations.FixedTimeEquals(
                    Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(Sign(run_id, track, expires.Value))))
            {
                return Results.Text("Signature does not match.", statusCode: 403);
            }

            if (_options.TimeProvider.GetUtcNow().ToUnixTimeSeconds() > expires)
            {
                return Results.Text("Request has expired.", statusCode: 403);
            }

            if (!_runs.TryGetValue(run_id, out var run) || track is not ("foreground" or "background"))
            {
                return Results.NotFound();
            }

            var bytes = track == "foreground" ? run.Foreground : run.Background;
            // A strong ETag, as S3 gives: the client's If-Range checks that a resumed file is the same object.
            var etag = new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");
            if (_options.StorageFaults.TryDequeue(out var fault))
            {
                if (fault.StatusCode is { } status)
                {
                    return Results.Text($"Simulated storage fault: HTTP {status}.", statusCode: status);
                }

                await PlayBodyFaultAsync(context, bytes, etag, fault).ConfigureAwait(false);
                return Results.Empty;
            }

            return Results.Bytes(bytes, "audio/wav", enableRangeProcessing: true, entityTag: etag);
        });

    /// <summary>Starts the answer (honouring a Range) and breaks it off: a reset, or a stall until the client leaves.</summary>
    private static async Task PlayBodyFaultAsync(HttpContext context, byte[] bytes, Microsoft.Net.Http.Headers.EntityTagHeaderValue etag, StorageFault fault)
    {
        var from = context.Request.GetTypedHeaders().Range?.Ranges.FirstOrDefault()?.From ?? 0;
        var response = context.Response;
        response.StatusCode = from > 0 ? 206 : 200;
        response.ContentType = "audio/wav";
        response.ContentLength = bytes.Length - from;
        response.Headers.ETag = etag.ToString();
        response.Headers.AcceptRanges = "bytes";
        if (from > 0)
        {
            response.Headers.ContentRange = $"bytes {from}-{bytes.Length - 1}/{bytes.Length}";
        }

        var count = (int)Math.Min(bytes.Length - from, fault.ResetAfterBytes ?? fault.StallAfterBytes ?? 0);
        await response.Body.WriteAsync(bytes.AsMemory((int)from, count), context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        if (fault.StallAfterBytes is not null)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        context.Abort();
    }

    /// <summary>FastAPI's 422 shape: <c>{"detail":[{"type","loc","msg","input"}]}</c>.</summary>
    private static IResult Validation((string Section, string Field) loc, string type, string msg, object? input) =>
        Results.Json(new { detail = new[] { new { type, loc = new object[] { loc.Section, loc.Field }, msg, input } } }, statusCode: 422);

    private sealed class SimTask(string fileName, byte[] data, SimulatedOutcome outcome, DateTimeOffset readyAt)
    {
        public int BusyPollsLeft = outcome.BusyPolls;

        public int ResetPollsLeft = outcome.ResetPolls;

        public int StallPollsLeft = outcome.StallPolls;

        public string FileName { get; } = fileName;

        public byte[] Data { get; } = data;

        public SimulatedOutcome Outcome { get; } = outcome;

        public DateTimeOffset ReadyAt { get; } = readyAt;

        /// <summary>Decoding and separating, done once, on the first poll after processing time.</summary>
        public Lazy<Task<object>>? Finishing { get; set; }
    }

    /// <summary>Adds a Retry-After header to another result.</summary>
    private sealed class RetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
