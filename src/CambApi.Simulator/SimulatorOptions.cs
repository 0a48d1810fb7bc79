using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace CambApi.Simulator;

/// <summary>How a <see cref="CambSimulator"/> behaves: its key, timings, per-file outcomes and storage faults.</summary>
public sealed class SimulatorOptions
{
    /// <summary>The key clients must send; a random one by default.</summary>
    public string ApiKey { get; set; } = "sim-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>How long a task stays PENDING.</summary>
    public TimeSpan ProcessingTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a result URL stays valid.</summary>
    public TimeSpan UrlLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Chooses an outcome per upload (by file name, say); every upload succeeds by default. See <see cref="SimulatorScenario"/>.</summary>
    public Func<string, SimulatedOutcome>? Scenario { get; set; }

    /// <summary>Decode MP3, FLAC and AAC with ffmpeg when it is on PATH (otherwise they end in SOURCE_TYPE_NOT_SUPPORTED).</summary>
    public bool UseFfmpeg { get; set; } = true;

    /// <summary>The clock for processing time, URL expiry and added latency (a FakeTimeProvider in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Raised as an upload request's body starts to arrive, before it is read (its Content-Length, when sent): another
    /// process can tell an upload under way at the service from one its client has not sent yet.
    /// </summary>
    public event Action<long?>? UploadArriving;

    internal void OnUploadArriving(long? length) => UploadArriving?.Invoke(length);

    /// <summary>Raised for each accepted upload (a task created): file name, task id, uploads so far.</summary>
    public event Action<string, string, int>? UploadAccepted;

    internal void OnUploadAccepted(string fileName, string taskId, int count) => UploadAccepted?.Invoke(fileName, taskId, count);

    /// <summary>
    /// The vendor's concurrency limit: an upload that would make more than this many tasks PENDING at once is refused with
    /// 429 and <c>Retry-After</c> (no task is created). Null: no limit.
    /// </summary>
    public int? MaxInFlight { get; set; }

    /// <summary>
    /// Reads each upload's body at this many bytes a second (null: as fast as it comes), so a test can stop a client mid-upload.
    /// An upload cut off before its end creates no task.
    /// </summary>
    public long? UploadBytesPerSecond { get; set; }

    /// <summary>Raised for each API request as its answer starts (the key's value redacted), with its arrival time: a traffic log across processes.</summary>
    public event Action<RecordedRequest>? ApiRequestRecorded;

    internal void OnApiRequestRecorded(RecordedRequest request) => ApiRequestRecorded?.Invoke(request);

    /// <summary>
    /// A 429 storm: while this returns true, every API request with a valid key is refused with 429 and a
    /// <c>Retry-After</c> of <see cref="StormRetryAfter"/> (no task is created, no status is read). Null: never.
    /// </summary>
    public Func<bool>? Storm { get; set; }

    /// <summary>The <c>Retry-After</c> a storm's refusals carry (default 1 s).</summary>
    public TimeSpan StormRetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Vendor changes to play in every answer (none by default): see <see cref="SimulatedDrift"/>.</summary>
    public SimulatedDrift Drift { get; set; }

    /// <summary>Faults for the storage host, one per download request, in order; requests after the last are served normally.</summary>
    public ConcurrentQueue<StorageFault> StorageFaults { get; } = new();
}
