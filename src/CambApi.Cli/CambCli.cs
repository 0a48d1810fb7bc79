using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using CambApi.Cli.Commands;

namespace CambApi.Cli;

/// <summary>The <c>camb</c> command line. Exit codes: see <see cref="ExitCodes"/>.</summary>
internal static partial class CambCli
{
    /// <param name="configureClient">Tests' hook on every client the command makes (fake time, quick retries).</param>
    public static async Task<int> RunAsync(string[] args, CliConsole console, Action<AudioSeparationClientOptions>? configureClient = null,
        CancellationToken cancellationToken = default)
    {
        // Whatever goes wrong, and wherever the key was typed, no line this command prints can show it.
        var secrets = Secrets.In(args);
        console = console.Redacting(secrets);
        var drift = DriftLines.Begin();
        try
        {
            return await RunCoreAsync(args, console, configureClient, cancellationToken);
        }
        finally
        {
            foreach (var line in drift.Lines())
            {
                await console.Error.WriteLineAsync(line);
            }

            await console.Out.FlushAsync(CancellationToken.None);
            await console.Error.FlushAsync(CancellationToken.None);
        }
    }

    private static async Task<int> RunCoreAsync(string[] args, CliConsole console, Action<AudioSeparationClientOptions>? configureClient, CancellationToken cancellationToken)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Audio files or folders (WAV, MP3, FLAC, AAC)", Arity = ArgumentArity.OneOrMore };
        var outOption = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "out" };
        var simulate = new Option<bool>("--simulate") { Description = "Use the embedded simulator: no key, no network" };
        var json = new Option<bool>("--json") { Description = "Print results as JSON on stdout (progress stays on stderr)" };
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = "Stop waiting for a task after this long, in-flight requests included: 90s, 10m, 2h (default 30m)",
            CustomParser = ParseDuration,
        };
        var concurrency = new Option<int>("--concurrency") { Description = "Files separated at once, at most (default 2): fewer while the service answers 429", DefaultValueFactory = _ => 2, CustomParser = ParseCount };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace output files camb did not write (never done otherwise)" };
        // Connection settings go before or after the command alike (Recursive), so a key typed first is not an
        // "unrecognized argument" the parser would echo.
        var apiKey = new Option<string?>("--api-key") { Description = "API key (default: CAMB_API_KEY); never printed", Recursive = true };
        var baseUrl = new Option<string?>("--base-url") { Description = "API base URL (default: CAMB_BASE_URL, else the vendor's)", Recursive = true };
        var requestTimeout = new Option<TimeSpan?>("--request-timeout")
        {
            Description = "Time allowed for one HTTP attempt before it is retried or given up: 30s, 5m (default 300s)",
            CustomParser = ParseDuration,
            Recursive = true,
        };
        Connection Connection(ParseResult parse) => new(parse.GetValue(apiKey), parse.GetValue(baseUrl), parse.GetValue(requestTimeout));

        var separate = new Command("separate", "Separate files into foreground and background tracks; run it again to resume (nothing is uploaded twice)")
        {
            inputs, outOption, simulate, json, timeout, concurrency, overwrite,
        };
        separate.SetAction((parse, _) => SeparateCommand.RunAsync(console, new SeparateRequest(
            parse.GetValue(inputs)!, parse.GetValue(outOption)!, parse.GetValue(simulate), parse.GetValue(json), parse.GetValue(timeout),
            parse.GetValue(concurrency), parse.GetValue(overwrite), Connection(parse)), configureClient, cancellationToken));

        var downloadRuns = new Argument<long[]>("run-ids") { Description = "Runs to download", Arity = ArgumentArity.ZeroOrMore, CustomParser = ParseRunIds };
        var downloadTasks = new Option<string[]>("--task") { Description = "A task to wait for, then download (repeatable)", AllowMultipleArgumentsPerToken = false };
        var download = new Command("download", "Download the tracks of runs (or tasks) started anywhere into a folder")
        {
            downloadRuns, downloadTasks, outOption, json, timeout, overwrite,
        };
        download.SetAction((parse, _) => DownloadCommand.RunAsync(console, new DownloadRequest(
            parse.GetValue(downloadRuns) ?? [], parse.GetValue(downloadTasks) ?? [], parse.GetValue(outOption)!, parse.GetValue(json), parse.GetValue(timeout),
            parse.GetValue(overwrite), Connection(parse)), configureClient, cancellationToken));

        var taskId = new Argument<string>("task-id");
        var status = new Command("status", "Show a task's status") { taskId, json };
        status.SetAction((parse, _) => StatusCommands.StatusAsync(console, parse.GetValue(taskId)!, Connection(parse), parse.GetValue(json), configureClient, cancellationToken));

        var runId = new Argument<long[]>("run-id") { Arity = ArgumentArity.ExactlyOne, CustomParser = ParseRunIds };
        var result = new Command("result", "Show a run's download URLs (without their signatures)") { runId, json };
        result.SetAction((parse, _) => StatusCommands.ResultsAsync(console, parse.GetValue(runId)!, Connection(parse), parse.GetValue(json), configureClient, cancellationToken));

        var runIds = new Argument<long[]>("run-ids") { Arity = ArgumentArity.OneOrMore, CustomParser = ParseRunIds };
        var results = new Command("results", "Show several runs' download URLs") { runIds, json };
        results.SetAction((parse, _) => StatusCommands.ResultsAsync(console, parse.GetValue(runIds)!, Connection(parse), parse.GetValue(json), configureClient, cancellationToken));

        var scenarioFile = new Option<string?>("--scenario") { Description = "A scenario file (JSON: outcomes per file pattern, faults; see docs/simulator.md \"Playing a scenario from the command line\")" };
        var processing = new Option<TimeSpan?>("--processing-time") { Description = "How long each task stays PENDING: 5s, 2m (default 1s)", CustomParser = ParseDuration };
        var urlLifetime = new Option<TimeSpan?>("--url-lifetime") { Description = "How long result URLs stay valid (short: storage 403 expiry)", CustomParser = ParseDuration };
        var outcomes = new Option<string[]>("--outcome") { Description = "End matching files so (repeatable): " + SimulateCommand.OutcomeSyntax, AllowMultipleArgumentsPerToken = false };
        var busyPolls = new Option<int?>("--busy-polls") { Description = "Answer each task's first N polls 429 with Retry-After", CustomParser = ParseOptionalCount };
        var unavailableUploads = new Option<int?>("--unavailable-uploads") { Description = "Answer each file's first N uploads 503 with Retry-After", CustomParser = ParseOptionalCount };
        var resetPolls = new Option<int?>("--reset-polls") { Description = "Cut each task's first N poll answers off mid-body (connection reset)", CustomParser = ParseOptionalCount };
        var stallPolls = new Option<int?>("--stall-polls") { Description = "Stall each task's first N poll answers mid-body", CustomParser = ParseOptionalCount };
        var truncatedPolls = new Option<int?>("--truncated-polls") { Description = "Answer each task's first N polls 200 with truncated JSON", CustomParser = ParseOptionalCount };
        var retryAfter = new Option<TimeSpan?>("--retry-after") { Description = "The Retry-After sent with 429 and 503 (default 1s)", CustomParser = ParseDuration };
        var storageFaults = new Option<string[]>("--storage-fault")
        {
            Description = "A fault for the next download request (repeatable, in order): an HTTP status (403), reset-after:BYTES, stall-after:BYTES",
            AllowMultipleArgumentsPerToken = false,
        };
        var maxInFlight = new Option<int?>("--max-in-flight") { Description = "The vendor's concurrency limit: 429 with Retry-After beyond N tasks in progress", CustomParser = ParseOptionalCount };
        var uploadRate = new Option<long?>("--upload-rate") { Description = "Read uploads at this many bytes a second: 65536, 64k, 1m", CustomParser = ParseRate };
        var requestLog = new Option<string?>("--request-log") { Description = "Append one JSON line per API request (arrival time, method, path, status) to this file" };
        var stormFile = new Option<string?>("--storm-file") { Description = "While this file exists, answer every API request 429 with Retry-After (a storm another process switches on and off)" };
        // Text here, read in SimulateCommand: naming the simulator's types while parsing would load it for every command.
        var drift = new Option<string?>("--drift")
        {
            Description = $"Answer as a vendor that changed the API: all of {SimulateCommand.DriftSyntax}, or those named (comma-separated)",
            Arity = ArgumentArity.ZeroOrOne,
            CustomParser = r => r.Tokens.Count == 0 ? "all" : r.Tokens[0].Value,
        };
        var simulateCommand = new Command("simulate", "Run the simulator standalone, playing a scenario; prints its base URL and key (Ctrl+C or SIGTERM stops it)")
        {
            scenarioFile, processing, urlLifetime, outcomes, busyPolls, unavailableUploads, resetPolls, stallPolls, truncatedPolls, retryAfter, storageFaults,
            maxInFlight, uploadRate, requestLog, drift, stormFile,
        };
        simulateCommand.SetAction((parse, _) => SimulateCommand.RunAsync(console, new SimulateRequest(
            parse.GetValue(scenarioFile), parse.GetValue(processing), parse.GetValue(urlLifetime), parse.GetValue(outcomes) ?? [],
            parse.GetValue(busyPolls), parse.GetValue(unavailableUploads), parse.GetValue(resetPolls), parse.GetValue(stallPolls),
            parse.GetValue(truncatedPolls), parse.GetValue(retryAfter), parse.GetValue(storageFaults) ?? [],
            parse.GetValue(maxInFlight), parse.GetValue(uploadRate), parse.GetValue(requestLog), parse.GetValue(drift), parse.GetValue(stormFile)), cancellationToken));

        var check = new Command("check", "Run one separation against the service and hold every answer to openapi/ (it costs one separation). Exit 0 matches, 3 a breaking change, 1 could not run")
        {
            simulate, timeout,
        };
        check.SetAction((parse, _) => CheckCommand.RunAsync(console, Connection(parse), parse.GetValue(simulate), parse.GetValue(timeout), cancellationToken));

        var fleet = FleetCommand(console, Connection, configureClient, cancellationToken);
        var root = new RootCommand("camb: separate recordings into foreground and background tracks with CAMB.AI.\n" + ExitCodes.Help)
        {
            separate, download, status, result, results, simulateCommand, check, fleet, apiKey, baseUrl, requestTimeout,
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // The parser quotes tokens it cannot place (one may be the key): console.Error masks them.
            foreach (var error in parsed.Errors)
            {
                await console.Error.WriteLineAsync($"camb: {error.Message}");
            }

            return ExitCodes.BadUsage;
        }

        // Ctrl+C is handled by Program, which cancels cancellationToken; the actions take that token themselves, then stop
        // cleanly (no partial files), say how to resume and exit 130. The parser's own termination handling is off, so
        // there is one owner of Ctrl+C and the exit code is the command's.
        return await parsed.InvokeAsync(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            ProcessTerminationTimeout = null,
        }, CancellationToken.None);
    }

    /// <summary>A whole number, reported without the parser's .NET type names.</summary>
    private static int ParseCount(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        result.AddError($"{(result.Parent as OptionResult)?.Option.Name ?? "the value"}: '{text}' is not a whole number.");
        return 0;
    }

    private static int? ParseOptionalCount(ArgumentResult result) => ParseCount(result);

    /// <summary>Bytes a second: a whole number, optionally with k or m (1024-based).</summary>
    private static long? ParseRate(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value.Trim().ToLowerInvariant() : "";
        var (digits, scale) = text.EndsWith('k') ? (text[..^1], 1024L) : text.EndsWith('m') ? (text[..^1], 1024L * 1024) : (text, 1L);
        if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return value * scale;
        }

        result.AddError($"{(result.Parent as OptionResult)?.Option.Name ?? "the rate"}: '{text}' is not a rate in bytes a second (65536, 64k, 1m).");
        return null;
    }

    /// <summary>Run ids: positive whole numbers (64-bit), reported without the parser's .NET type names.</summary>
    private static long[] ParseRunIds(ArgumentResult result)
    {
        var ids = new List<long>();
        foreach (var token in result.Tokens)
        {
            if (long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                ids.Add(id);
            }
            else
            {
                result.AddError($"'{token.Value}' is not a run id (a positive whole number).");
            }
        }

        return [.. ids];
    }

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
        if (Durations.TryParse(text, out var value, out var error))
        {
            return value;
        }

        var name = (result.Parent as OptionResult)?.Option.Name ?? "the duration";
        result.AddError($"{name}: {error}");
        return null;
    }
}
