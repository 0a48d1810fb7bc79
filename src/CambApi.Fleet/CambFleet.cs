using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CambApi.Fleet;

/// <summary>What a submission registered.</summary>
/// <param name="Added">Files new to the fleet.</param>
/// <param name="AlreadyKnown">Files whose content the fleet already had (registered once, never uploaded twice).</param>
/// <param name="Skipped">Files in the given folders that are not supported audio.</param>
public sealed record FleetSubmission(int Added, int AlreadyKnown, IReadOnlyList<string> Skipped);

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

    private CambFleet(FleetOptions options, FleetStore store) => (Options, _store) = (options, store);

    /// <summary>The settings this fleet was opened with.</summary>
    public FleetOptions Options { get; }

    /// <summary>Where the rows are (never a password).</summary>
    public FleetDatabase Database => _store.Database;

    internal FleetStore Store => _store;

    /// <summary>Opens the fleet's database, creating its tables on first use, and applies <see cref="FleetOptions.FleetLimit"/>.</summary>
    /// <exception cref="ArgumentException">A <see cref="FleetOptions.Database"/> that is neither a connection string nor a URL.</exception>
    /// <exception cref="FleetDatabaseException">Unreachable, refused, or laid out by a newer version (nothing is changed).</exception>
    public static async Task<CambFleet> OpenAsync(FleetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return await OpenAsync(options, new FleetStore(options.ResolveDatabase(), options.TimeProvider), cancellationToken);
    }

    internal static async Task<CambFleet> OpenAsync(FleetOptions options, FleetStore store, CancellationToken cancellationToken)
    {
        await store.EnsureSchemaAsync(options.FleetLimit ?? 8, cancellationToken);
        if (options.FleetLimit is { } limit)
        {
            await store.SetMaxLimitAsync(limit, cancellationToken);
        }

        return new CambFleet(options, store);
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
        ArgumentNullException.ThrowIfNull(inputs);
        var folder = PreparedFolder.Prepare(outputDirectory, nameof(outputDirectory)).Path;
        var skipped = new List<string>();
        var files = new List<ValidatedInput>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                foreach (var path in Directory.EnumerateFiles(input).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
                {
                    try
                    {
                        files.Add(MediaInput.Validate(path));
                    }
                    catch (ArgumentException)
                    {
                        skipped.Add(path);
                    }
                }
            }
            else
            {
                files.Add(MediaInput.Validate(input, nameof(inputs)));
            }
        }

        if (files.Count == 0)
        {
            throw new ArgumentException("no supported audio files (WAV, MP3, FLAC, AAC) in the inputs.", nameof(inputs));
        }

        var registered = new List<NewFile>();
        foreach (var file in files)
        {
            registered.Add(new NewFile(await HashAsync(file.Path, cancellationToken), file.Path, file.FileName, folder, OutputNames.For(file.Path), file.Length,
                file.Path.EndsWith(".wav", StringComparison.OrdinalIgnoreCase) ? PcmWavReader.DurationSeconds(file.Path) : null));
        }

        // Two different contents that would write the same names: refused before anything is registered.
        if (registered.DistinctBy(f => f.Sha256).GroupBy(f => f.OutputName, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } clash)
        {
            throw new ArgumentException(
                $"{string.Join(" and ", clash.Select(f => f.FileName))} would both write {clash.Key}.foreground/background in {folder}; submit them to different --out folders, or rename one.",
                nameof(inputs));
        }

        var unique = registered.DistinctBy(f => f.Sha256).ToList();
        var added = await _store.SubmitAsync(unique, cancellationToken);
        return new FleetSubmission(added, registered.Count - added, skipped);
    }

    /// <summary>Counts by state, the gate, the uncertain files and the failures by reason.</summary>
    public Task<FleetStatus> StatusAsync(CancellationToken cancellationToken = default) => _store.StatusAsync(cancellationToken);

    /// <summary>The files, oldest first (at most <paramref name="max"/>).</summary>
    public Task<IReadOnlyList<FleetFile>> ListAsync(int max = 1000, CancellationToken cancellationToken = default) => _store.ListAsync(max, cancellationToken);

    /// <summary>
    /// A person's decision to upload again: the uncertain or failed file whose hash starts with <paramref name="hashPrefix"/>
    /// (at least 8 characters), or with null every uncertain file. An uncertain file may then be charged twice.
    /// </summary>
    /// <exception cref="ArgumentException">A prefix shorter than 8 characters.</exception>
    public Task<IReadOnlyList<FleetFile>> ReleaseAsync(string? hashPrefix, CancellationToken cancellationToken = default)
    {
        if (hashPrefix is not null && (hashPrefix.Length < 8 || !hashPrefix.All(char.IsAsciiHexDigit)))
        {
            throw new ArgumentException("Name a file by at least the first 8 characters of its hash (camb fleet status lists them).", nameof(hashPrefix));
        }

        return _store.ReleaseAsync(hashPrefix?.ToLowerInvariant(), cancellationToken);
    }

    /// <summary>
    /// Runs a worker until <paramref name="stop"/> (a stop hands back what it holds) or, with <paramref name="untilIdle"/>,
    /// until nothing is left to do fleet-wide. The key comes from <paramref name="configureClient"/> (or <c>CAMB_API_KEY</c>)
    /// and is never stored.
    /// </summary>
    /// <param name="configureClient">The API client's settings for this worker: key, endpoint, timeouts.</param>
    /// <param name="untilIdle">End when every file is done, failed or uncertain.</param>
    /// <param name="report">Gets one line per event (uploaded, done, uncertain, a pause).</param>
    /// <param name="stop">Stops the worker cleanly.</param>
    /// <exception cref="OptionsValidationException">The client's settings are invalid (a missing key, say).</exception>
    public async Task<FleetWorkResult> WorkAsync(Action<AudioSeparationClientOptions>? configureClient, bool untilIdle, Action<string>? report, CancellationToken stop)
    {
        var lines = report ?? (_ => { });
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCambApi(configureClient)
            .AddHttpMessageHandler(() => new ThrottleHandler(new StoreGate(_store), Options.TimeProvider, lines));
        await using var provider = services.BuildServiceProvider();
        var schedule = provider.GetRequiredService<IOptions<AudioSeparationClientOptions>>().Value; // validates: a bad key fails here
        var client = provider.GetRequiredService<AudioSeparationClient>();
        return await new FleetWorker(_store, Options, lines).RunAsync(client, schedule, untilIdle, stop);
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        await using (file)
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        }
    }
}
