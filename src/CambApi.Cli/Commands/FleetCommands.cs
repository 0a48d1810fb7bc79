using System.Globalization;
using System.Text.Json;
using CambApi.Fleet;

namespace CambApi.Cli.Commands;

/// <summary>How a fleet command reaches the fleet: <c>--db</c> (else <c>CAMB_FLEET_DB</c>, else the embedded store here) and its tuning.</summary>
internal sealed record FleetTarget(string? Database, int? Limit = null, int? MaxTransfers = null, TimeSpan? ShutdownTimeout = null, TimeSpan? Lease = null,
    TimeSpan? OverdueAfter = null, int? DashboardPort = null);

/// <summary><c>camb fleet</c>: a catalogue on several machines, each file uploaded once fleet-wide.</summary>
internal static class FleetCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> SubmitAsync(CliConsole console, FleetTarget target, string[] inputs, string output, CancellationToken cancellationToken)
    {
        if (await OpenAsync(console, target, cancellationToken) is not { } fleet)
        {
            return ExitCodes.BadUsage;
        }

        FleetSubmission submission;
        try
        {
            submission = await fleet.SubmitAsync(inputs, output, cancellationToken);
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
            return SeparateCommand.Usage(console, e.Message);
        }
        catch (FleetDatabaseException e)
        {
            return SeparateCommand.Usage(console, DatabaseProblem(e));
        }

        foreach (var path in submission.Skipped)
        {
            await console.Error.WriteLineAsync($"camb: skipped {path}: not a supported audio file (WAV, MP3, FLAC, AAC)");
        }

        await console.Out.WriteLineAsync(
            $"submitted {submission.Added} file(s) to {fleet.Database.Where}" +
            (submission.AlreadyKnown > 0 ? $" ({submission.AlreadyKnown} already known: registered once, never uploaded twice)" : "") +
            "; `camb fleet work` separates them");
        return ExitCodes.Success;
    }

    public static async Task<int> WorkAsync(CliConsole console, FleetTarget target, Connection connection, bool untilIdle, bool simulate,
        Action<AudioSeparationClientOptions>? configureClient, CancellationToken cancellationToken)
    {
        if (await OpenAsync(console, target, cancellationToken) is not { } fleet)
        {
            return ExitCodes.BadUsage;
        }

        await using var simulator = simulate ? await EmbeddedSimulator.StartAsync(cancellationToken) : null;
        Action<AudioSeparationClientOptions> configure = simulator is null
            ? options => connection.Configure(options, timeout: null, configureClient)
            : options =>
            {
                simulator.Configure(options);
                configureClient?.Invoke(options);
            };

        using var telemetry = TelemetryExport.StartIfConfigured("camb-fleet-worker");
        await console.Error.WriteLineAsync($"camb: fleet worker {fleet.Options.WorkerName} on {fleet.Database.Where}{(untilIdle ? " (until nothing is left)" : "")}" +
            (telemetry is null ? "" : $"; telemetry to {TelemetryExport.EndpointVariable}"));
        // The dashboard in the worker's process shares its job storage: on the embedded store, where jobs live in this
        // process's memory, it is the only dashboard that shows them.
        using var dashboardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var dashboard = target.DashboardPort is { } port ? ServeDashboardAsync(console, fleet, port, allowActions: false, dashboardStop.Token) : Task.CompletedTask;
        FleetWorkResult result;
        try
        {
            result = await fleet.WorkAsync(configure, untilIdle,
                line => console.Error.WriteLine($"camb: {line}"), cancellationToken);
        }
        catch (ArgumentException e)
        {
            return SeparateCommand.Usage(console, e.Message);
        }
        catch (FleetDatabaseException e)
        {
            await console.Error.WriteLineAsync($"camb: {DatabaseProblem(e)}");
            return ExitCodes.Failure;
        }

        finally
        {
            await dashboardStop.CancelAsync();
            await dashboard;
        }

        if (result.Fault is { } fault)
        {
            await console.Error.WriteLineAsync($"camb: {fault}");
            return ExitCodes.Failure;
        }

        var left = result.Unfinished is { } unfinished ? $"{unfinished} file(s) left for the fleet" : "the files left are unknown (the database is away)";
        if (result.Stopped)
        {
            await console.Error.WriteLineAsync(
                $"camb: fleet worker stopped: {result.FinishedDuringStop} upload(s) finished during the stop, {result.HandedBack} download(s) handed back, " +
                $"{result.CutOff} upload(s) cut off (uncertain: see camb fleet status); {left} — run camb fleet work to go on");
            return result.Unfinished is not 0 || result.CutOff > 0 ? ExitCodes.Interrupted : ExitCodes.Success;
        }

        FleetStatus status;
        try
        {
            status = await fleet.StatusAsync(CancellationToken.None);
        }
        catch (FleetDatabaseException e)
        {
            await console.Error.WriteLineAsync($"camb: {DatabaseProblem(e)}");
            return ExitCodes.Failure;
        }

        var needPerson = status.Counts.GetValueOrDefault(FleetFileState.Uncertain) + status.Counts.GetValueOrDefault(FleetFileState.Failed);
        await console.Error.WriteLineAsync(needPerson == 0
            ? $"camb: nothing left to do: {status.Counts.GetValueOrDefault(FleetFileState.Done)} file(s) done"
            : $"camb: nothing left to do automatically: {status.Counts.GetValueOrDefault(FleetFileState.Done)} done, {needPerson} need a person — camb fleet status");
        return needPerson == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    public static async Task<int> StatusAsync(CliConsole console, FleetTarget target, bool json, CancellationToken cancellationToken)
    {
        if (await OpenAsync(console, target, cancellationToken) is not { } fleet)
        {
            return ExitCodes.BadUsage;
        }

        FleetStatus status;
        try
        {
            status = await fleet.StatusAsync(cancellationToken);
        }
        catch (FleetDatabaseException e)
        {
            await console.Error.WriteLineAsync($"camb: {DatabaseProblem(e)}");
            return ExitCodes.Failure;
        }

        var pausedFor = status.Gate.PausedFor.TotalSeconds; // by the database's clock, not this machine's
        if (json)
        {
            await console.Out.WriteLineAsync(JsonSerializer.Serialize(new
            {
                database = fleet.Database.Where,
                counts = Enum.GetValues<FleetFileState>().ToDictionary(s => s.ToString().ToLowerInvariant(), s => status.Counts.GetValueOrDefault(s)),
                in_flight = status.InFlight,
                limit = Math.Floor(status.Gate.Limit),
                ceiling = status.Gate.MaxLimit,
                paused_seconds = pausedFor,
                throttled = status.Gate.Throttled,
                uncertain = status.Uncertain.Select(f => new { sha256 = f.Sha256, file = f.FileName, input = f.InputPath, message = f.LastError }),
                failures = status.FailuresByReason,
            }, Indented));
            return ExitCodes.Success;
        }

        await console.Out.WriteLineAsync($"fleet on {fleet.Database.Where}");
        await console.Out.WriteLineAsync("  " + string.Join(", ", Enum.GetValues<FleetFileState>().Select(s => $"{s.ToString().ToLowerInvariant()} {status.Counts.GetValueOrDefault(s)}")));
        await console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  at the vendor: {status.InFlight} of {Math.Floor(status.Gate.Limit):0} (ceiling {status.Gate.MaxLimit}){(pausedFor > 0 ? $"; paused {pausedFor:0.#} s more" : "")}; throttled {status.Gate.Throttled} time(s)"));
        foreach (var file in status.Uncertain)
        {
            await console.Out.WriteLineAsync($"  uncertain {file.Sha256[..12]} {file.FileName}: {file.LastError} — camb fleet release {file.Sha256[..12]}");
        }

        foreach (var (reason, count) in status.FailuresByReason)
        {
            await console.Out.WriteLineAsync($"  failed ({reason}): {count}");
        }

        return ExitCodes.Success;
    }

    public static async Task<int> ReleaseAsync(CliConsole console, FleetTarget target, string? hash, bool allUncertain, CancellationToken cancellationToken)
    {
        if (hash is null == !allUncertain)
        {
            return SeparateCommand.Usage(console, "name one file by its hash (camb fleet status lists them), or pass --all-uncertain.");
        }

        if (await OpenAsync(console, target, cancellationToken) is not { } fleet)
        {
            return ExitCodes.BadUsage;
        }

        IReadOnlyList<FleetReleased> released;
        try
        {
            released = await fleet.ReleaseAsync(allUncertain ? null : hash, cancellationToken);
        }
        catch (ArgumentException e)
        {
            return SeparateCommand.Usage(console, e.Message);
        }
        catch (FleetDatabaseException e)
        {
            await console.Error.WriteLineAsync($"camb: {DatabaseProblem(e)}; nothing was released");
            return ExitCodes.Failure;
        }

        foreach (var (file, next) in released)
        {
            // What the fleet already has is never paid for again: only a file with neither a run nor a task uploads.
            await console.Out.WriteLineAsync($"released {file.Sha256[..12]} {file.FileName}: " + next switch
            {
                FleetFileState.Ready => $"run {file.RunId} is downloaded, nothing is uploaded again",
                FleetFileState.Processing => $"task {file.TaskId} is read again, nothing is uploaded again",
                _ when file.State == FleetFileState.Uncertain => "it will be uploaded again — the service may charge it twice",
                _ => "it will be uploaded again",
            });
        }

        if (released.Count == 0 && hash is not null)
        {
            // A hash that names nothing is bad input, as an unknown id is elsewhere.
            return SeparateCommand.Usage(console, $"no uncertain or failed file's hash starts with {hash} (camb fleet status lists them)");
        }

        if (released.Count == 0)
        {
            await console.Error.WriteLineAsync("camb: nothing to release: no file is uncertain");
        }

        return ExitCodes.Success;
    }

    public static async Task<int> DashboardAsync(CliConsole console, FleetTarget target, int port, bool allowActions, CancellationToken cancellationToken)
    {
        if (await OpenAsync(console, target, cancellationToken) is not { } fleet)
        {
            return ExitCodes.BadUsage;
        }

        if (!fleet.Database.IsPostgres)
        {
            await console.Error.WriteLineAsync("camb: the embedded store's jobs live in its worker's memory: this page shows the files; " +
                                               "for Hangfire's job list too, run the worker with camb fleet work --dashboard-port PORT");
        }

        await ServeDashboardAsync(console, fleet, port, allowActions, cancellationToken);
        return ExitCodes.Success;
    }

    private static Task ServeDashboardAsync(CliConsole console, CambFleet fleet, int port, bool allowActions, CancellationToken stop) =>
        FleetDashboard.RunAsync(fleet, port, new FleetDashboardOptions { AllowActions = allowActions },
            url => console.Error.WriteLine($"camb: fleet dashboard at {url} ({(allowActions ? "actions allowed" : "read-only")}); Ctrl+C to stop"), stop);

    private static async Task<CambFleet?> OpenAsync(CliConsole console, FleetTarget target, CancellationToken cancellationToken)
    {
        var options = new FleetOptions
        {
            Database = target.Database ?? Environment.GetEnvironmentVariable(FleetDatabase.EnvironmentVariable),
            FleetLimit = target.Limit,
        };
        options.MaxTransfers = target.MaxTransfers ?? options.MaxTransfers;
        options.ShutdownTimeout = target.ShutdownTimeout ?? options.ShutdownTimeout;
        options.Lease = target.Lease ?? options.Lease;
        options.OverdueAfter = target.OverdueAfter ?? options.OverdueAfter;
        try
        {
            return await CambFleet.OpenAsync(options, cancellationToken);
        }
        catch (Exception e) when (e is ArgumentException or FleetDatabaseException)
        {
            await console.Error.WriteLineAsync($"camb: {DatabaseProblem(e)}; nothing was changed");
            return null;
        }
    }

    /// <summary>
    /// A database problem in the command line's words: the library's problem, and what to check in camb's terms
    /// (<c>--db</c>, <c>CAMB_FLEET_DB</c>, upgrading camb) where the library names its own (<c>FleetOptions.Database</c>).
    /// </summary>
    internal static string DatabaseProblem(Exception e) => e switch
    {
        FleetDatabaseException db => db.Problem.TrimEnd('.') + db.Code switch
        {
            FleetDatabaseException.Refused => $" — check the host and port in --db (or {FleetDatabase.EnvironmentVariable}) and that the server runs",
            FleetDatabaseException.HostNotFound => $" — check the host in --db (or {FleetDatabase.EnvironmentVariable})",
            FleetDatabaseException.NoAnswer => " — check the host, the port and the network",
            FleetDatabaseException.LoginRefused => " — check the user and password in --db",
            FleetDatabaseException.NoSuchDatabase => " — create it, or name another in --db",
            FleetDatabaseException.CannotOpen => " — check the folder is writable",
            FleetDatabaseException.NewerSchema => " — upgrade camb on this machine",
            FleetDatabaseException.Emptied => " — restore the database, or submit the files again",
            _ => "",
        },
        // FleetOptions.Database is what --db sets: the library's message names its setting, the line names the option.
        _ => Failures.Trim(e.Message).Replace("FleetOptions.Database", "--db", StringComparison.Ordinal),
    };
}
