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

/// <summary>What the simulator does with one uploaded file.</summary>
/// <param name="Status">The terminal status; SUCCESS separates the file for real.</param>
/// <param name="ExceptionReason">For a failure, the <c>exception_reason</c>.</param>
/// <param name="Message">For a failure, the <c>message</c>.</param>
/// <param name="ProcessingTime">How long the task stays PENDING; null for <see cref="SimulatorOptions.ProcessingTime"/>.</param>
/// <param name="BusyResponses">How many polls first get 429 with Retry-After.</param>
public sealed record SimulatedOutcome(string Status = "SUCCESS", string? ExceptionReason = null, string? Message = null, TimeSpan? ProcessingTime = null, int BusyResponses = 0);

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

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
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
    private readonly ConcurrentDictionary<long, (byte[] Foreground, byte[] Background)> _runs = new();
    private readonly byte[] _signingKey = RandomNumberGenerator.GetBytes(32);
    private long _nextRunId = 1000;

    private CambSimulator(SimulatorOptions options)
    {
        _options = options;
        _api = Build(MapApi);
        _storage = Build(MapStorage);
    }

    public Uri BaseAddress { get; private set; } = null!;

    public Uri StorageAddress { get; private set; } = null!;

    public string ApiKey => _options.ApiKey;

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
        apis.MapGet("/audio-separation/{task_id}", (string task_id) => Status(task_id));
        apis.MapGet("/audio-separation-result/{run_id}", (string run_id) =>
            int.TryParse(run_id, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
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

        if (form.TryGetValue("folder_id", out var folder) && !int.TryParse(folder, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return Validation(("body", "folder_id"), "int_parsing", "Input should be a valid integer, unable to parse string as an integer", folder.ToString());
        }

        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer).ConfigureAwait(false);
        var outcome = _options.Scenario?.Invoke(file.FileName) ?? new SimulatedOutcome();
        if (outcome.Status == "REJECT_503")
        {
            return Results.Json(new { detail = "Service busy" }, statusCode: 503);
        }

        var id = Guid.NewGuid().ToString();
        _tasks[id] = new SimTask(file.FileName, buffer.ToArray(), outcome, _options.TimeProvider.GetUtcNow() + (outcome.ProcessingTime ?? _options.ProcessingTime));
        return Results.Json(new { task_id = id });
    }

    private IResult Status(string taskId)
    {
        if (!_tasks.TryGetValue(taskId, out var task))
        {
            return Results.Json(new { detail = "Task not found" }, statusCode: 404);
        }

        if (Interlocked.Decrement(ref task.BusyLeft) >= 0)
        {
            return Results.Json(new { detail = "Too many requests" }, statusCode: 429, contentType: null) is var busy
                ? new RetryAfter(busy, 1) : busy;
        }

        if (_options.TimeProvider.GetUtcNow() < task.ReadyAt)
        {
            return Results.Json(new { status = "PENDING", run_id = (long?)null, exception_reason = (string?)null, message = (string?)null });
        }

        lock (task)
        {
            task.Result ??= Finish(task);
        }

        return Results.Json(task.Result);
    }

    private object Finish(SimTask task)
    {
        if (task.Outcome.Status != "SUCCESS")
        {
            return new { status = task.Outcome.Status, run_id = (long?)null, exception_reason = task.Outcome.ExceptionReason, message = task.Outcome.Message };
        }

        if (!Path.GetExtension(task.FileName).Equals(".wav", StringComparison.OrdinalIgnoreCase))
        {
            return Failure("SOURCE_TYPE_NOT_SUPPORTED", $"The simulator decodes only PCM WAV; '{Path.GetExtension(task.FileName)}' needs ffmpeg, which it does not use.");
        }

        PcmWav input;
        try
        {
            input = PcmWav.Read(task.Data);
        }
        catch (InvalidDataException e)
        {
            return Failure("INVALID_SOURCE_DATA", e.Message);
        }

        var (foreground, background) = Separator.Separate(input);
        var runId = Interlocked.Increment(ref _nextRunId);
        _runs[runId] = (foreground.ToBytes(), background.ToBytes());
        return new { status = "SUCCESS", run_id = (long?)runId, exception_reason = (string?)null, message = (string?)null };
    }

    private static object Failure(string reason, string message) =>
        new { status = "ERROR", run_id = (long?)null, exception_reason = reason, message };

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
        app.MapGet("/files/{run_id:long}/{track}.wav", (HttpRequest request, long run_id, string track, long? expires, string? signature) =>
        {
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

            return _runs.TryGetValue(run_id, out var run) && track is "foreground" or "background"
                ? Results.Bytes(track == "foreground" ? run.Foreground : run.Background, "audio/wav")
                : Results.NotFound();
        });

    /// <summary>FastAPI's 422 shape: <c>{"detail":[{"type","loc","msg","input"}]}</c>.</summary>
    private static IResult Validation((string Section, string Field) loc, string type, string msg, object? input) =>
        Results.Json(new { detail = new[] { new { type, loc = new object[] { loc.Section, loc.Field }, msg, input } } }, statusCode: 422);

    private sealed class SimTask(string fileName, byte[] data, SimulatedOutcome outcome, DateTimeOffset readyAt)
    {
        public int BusyLeft = outcome.BusyResponses;

        public string FileName { get; } = fileName;

        public byte[] Data { get; } = data;

        public SimulatedOutcome Outcome { get; } = outcome;

        public DateTimeOffset ReadyAt { get; } = readyAt;

        public object? Result { get; set; }
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
