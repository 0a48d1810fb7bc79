using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CambApi.Simulator;

/// <summary>
/// The audio-separation API on loopback: the four endpoints of openapi/camb-api.yaml under <c>/apis/</c>, answering
/// as FastAPI does (ApiRoutes.cs, Validation/), and a separate storage host (its own port) serving expiring, signed
/// result URLs that refuse <c>x-api-key</c> (StorageHost.cs). Outcomes and faults per file come from
/// <see cref="SimulatorOptions"/> or a <see cref="SimulatorScenario"/>; every request is recorded in <see cref="Requests"/>.
/// An ASP.NET Core minimal host rather than WireMock, because it must run real logic: multipart parsing,
/// separation (Media/), task state and URL signing.
/// </summary>
public sealed partial class CambSimulator : IAsyncDisposable
{
    private readonly SimulatorOptions _options;
    private readonly WebApplication _api;
    private readonly WebApplication _storage;
    private readonly TrafficLog _traffic = new();
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
        _api = Build(SimulatorHost.Api, MapApi);
        _storage = Build(SimulatorHost.Storage, MapStorage);
    }

    /// <summary>The API's base URL, <c>http://127.0.0.1:PORT/apis/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The storage host's base URL (result URLs point here).</summary>
    public Uri StorageAddress { get; private set; } = null!;

    /// <summary>The key the API accepts (not a secret: the simulator's own).</summary>
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

    /// <summary>Every request both hosts received so far, in order, with the key's value redacted.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _traffic.Snapshot();

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
        var options = new AudioSeparationClientOptions();
        Configure(options);
        configure?.Invoke(options);
        return new AudioSeparationClient(options, loggerFactory);
    }

    /// <summary>
    /// Points <paramref name="options"/> at this simulator — its key and address — with quick polls (its tasks are short):
    /// for a client made another way, through <c>AddCambApi</c> say.
    /// </summary>
    public void Configure(AudioSeparationClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ApiKey = ApiKey;
        options.Endpoint = BaseAddress;
        options.PollInitialInterval = TimeSpan.FromMilliseconds(250);
        options.PollMaxInterval = TimeSpan.FromSeconds(1);
    }

    /// <summary>Stops both hosts.</summary>
    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync().ConfigureAwait(false);
        await _storage.DisposeAsync().ConfigureAwait(false);
    }

    private WebApplication Build(SimulatorHost host, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o => o.MultipartBodyLengthLimit = 512L << 20);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 512L << 20);
        var app = builder.Build();
        app.Use(_traffic.Recorder(host, _options));
        map(app);
        return app;
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
}
