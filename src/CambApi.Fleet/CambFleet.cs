using CambApi.Http;
using Hangfire;

namespace CambApi.Fleet;

/// <summary>
/// A catalogue separated across machines: submit files once, run workers anywhere that reaches the same database, watch
/// and decide. Each content is uploaded — paid for — once, fleet-wide, even when a worker dies mid-task; where no one can
/// know whether an upload was charged (a worker died mid-upload), the file waits for a person (<see cref="ReleaseAsync"/>).
/// </summary>
/// <remarks>
/// Delivery, retries, workers and the dashboard are Hangfire's; the rule "uploaded once" is this library's, in its own
/// rows (HangfireIO/Hangfire#1305: no engine gives exactly-once for a paid call).
/// </remarks>
public sealed class CambFleet
{
    private readonly FleetStore _store;
    private readonly Lazy<JobStorage> _jobs;

    private CambFleet(FleetOptions options, FleetStore store, Lazy<JobStorage>? jobs)
    {
        (Options, _store) = (options, store);
        _jobs = jobs ?? new(() => FleetJobStorage.Create(store.Database, options), LazyThreadSafetyMode.PublicationOnly); // a failed build is tried again
    }

    /// <summary>The settings this fleet was opened with.</summary>
    public FleetOptions Options { get; }

    /// <summary>Where the rows are (never a password).</summary>
    public FleetDatabase Database => _store.Database;

    internal FleetStore Store => _store;

    /// <summary>Hangfire's job storage, built once for this fleet: a worker and a dashboard in one process share it.</summary>
    internal JobStorage JobStorage => _jobs.Value;

    /// <summary>Opens the fleet's database, creating its tables on first use, and applies <see cref="FleetOptions.FleetLimit"/>.</summary>
    /// <exception cref="ArgumentException">A <see cref="FleetOptions.Database"/> that is neither a connection string nor a URL.</exception>
    /// <exception cref="FleetDatabaseException">Unreachable, refused, or laid out by a newer version (nothing is changed).</exception>
    public static async Task<CambFleet> OpenAsync(FleetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return await OpenAsync(options, new FleetStore(options.ResolveDatabase()), jobs: null, cancellationToken);
    }

    /// <summary>Opens a fleet on <paramref name="store"/>; <paramref name="jobs"/> is Hangfire's storage when it is shared beyond this fleet (a host's dashboard), else built on first use.</summary>
    internal static async Task<CambFleet> OpenAsync(FleetOptions options, FleetStore store, Lazy<JobStorage>? jobs, CancellationToken cancellationToken)
    {
        await store.EnsureSchemaAsync(options.FleetLimit ?? 8, cancellationToken);
        if (options.FleetLimit is { } limit)
        {
            await store.Gate.SetMaxLimitAsync(limit, cancellationToken);
        }

        return new CambFleet(options, store, jobs);
    }

    /// <summary>
    /// Registers <paramref name="inputs"/> (files, and the supported files directly in folders) for separation into
    /// <paramref name="outputDirectory"/>; content already known is registered once. Every check comes before anything is
    /// written: a bad input, an output folder that cannot be written, or two inputs that would write the same names refuse
    /// the whole submission.
    /// </summary>
    /// <exception cref="ArgumentException">Bad input or output; nothing was submitted.</exception>
    public async Task<FleetSubmission> SubmitAsync(IEnumerable<string> inputs, string outputDirectory, CancellationToken cancellationToken = default)
    {
        var folder = PreparedFolder.Prepare(outputDirectory, nameof(outputDirectory)).Path;
        var inputSet = InputSet.Expand(inputs, nameof(inputs));
        var registered = new List<NewFile>();
        foreach (var file in inputSet.Files)
        {
            registered.Add(new NewFile(await InputSet.HashAsync(file.Path, cancellationToken), file.Path, file.Name, folder, file.OutputName, file.Input.Length,
                file.Path.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) ? PcmWavReader.DurationSeconds(file.Path) : null));
        }

        // Two different contents that would write the same names: refused before anything is registered.
        var hashes = registered.ToDictionary(f => f.InputPath, f => f.Sha256, StringComparer.Ordinal);
        if (inputSet.Clash(folder, file => hashes[file.Path]) is { } clash)
        {
            throw new ArgumentException($"{clash}; submit them to different output folders, or rename one.", nameof(inputs));
        }

        var unique = registered.DistinctBy(f => f.Sha256).ToList();
        var added = await _store.Files.SubmitAsync(unique, cancellationToken);
        return new FleetSubmission(added, registered.Count - added, inputSet.Skipped);
    }

    /// <summary>Counts by state, the gate, the uncertain files and the failures by reason.</summary>
    public Task<FleetStatus> StatusAsync(CancellationToken cancellationToken = default) => _store.Monitor.StatusAsync(cancellationToken);

    /// <summary>The files, oldest first (at most <paramref name="max"/>).</summary>
    public Task<IReadOnlyList<FleetFile>> ListAsync(int max = 1000, CancellationToken cancellationToken = default) => _store.Monitor.ListAsync(max, cancellationToken);

    /// <summary>
    /// A person's decision to upload again: the uncertain or failed file whose hash starts with <paramref name="hashPrefix"/>
    /// (at least 8 characters), or with null every uncertain file. An uncertain file may then be charged twice.
    /// </summary>
    /// <exception cref="ArgumentException">A prefix shorter than 8 characters.</exception>
    public Task<IReadOnlyList<FleetReleased>> ReleaseAsync(string? hashPrefix, CancellationToken cancellationToken = default)
    {
        if (hashPrefix is not null && (hashPrefix.Length < 8 || !hashPrefix.All(char.IsAsciiHexDigit)))
        {
            throw new ArgumentException("Name a file by at least the first 8 characters of its hash (the fleet's status and list show them).", nameof(hashPrefix));
        }

        return _store.Files.ReleaseAsync(hashPrefix?.ToLowerInvariant(), cancellationToken);
    }

    /// <summary>
    /// Runs a worker until <paramref name="stop"/> (a stop hands back what it holds), until something no wait mends stops it
    /// (<see cref="FleetWorkResult.Fault"/>, or a fatal <see cref="FleetDatabaseException"/>) or, with <paramref name="untilIdle"/>,
    /// until nothing is left to do fleet-wide. The key comes from <paramref name="configureClient"/> (or <c>CAMB_API_KEY</c>)
    /// and is never stored.
    /// </summary>
    /// <param name="configureClient">The API client's settings for this worker: key, endpoint, timeouts.</param>
    /// <param name="untilIdle">End when every file is done, failed or uncertain.</param>
    /// <param name="report">Gets one line per event (uploaded, done, uncertain, a pause).</param>
    /// <param name="stop">Stops the worker cleanly.</param>
    /// <remarks>A database that goes away is waited out, with one line when it goes and one when it is back; the worker never ends on it.</remarks>
    /// <exception cref="ArgumentException">The client's settings are invalid (a missing key, say).</exception>
    /// <exception cref="FleetDatabaseException">The login was refused, the database or its tables are gone, or a newer version laid it out: thrown after the worker stopped cleanly.</exception>
    public async Task<FleetWorkResult> WorkAsync(Action<AudioSeparationClientOptions>? configureClient, bool untilIdle, Action<string>? report, CancellationToken stop)
    {
        var settings = new AudioSeparationClientOptions();
        configureClient?.Invoke(settings);
        return await new FleetWorker(_store, JobStorage, Options, report ?? (_ => { })).RunAsync(settings, untilIdle, stop);
    }
}
