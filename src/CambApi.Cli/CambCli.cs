using System.CommandLine;
using CambApi.Simulator;

namespace CambApi.Cli;

/// <summary>The <c>camb</c> command line. Exit codes: see <see cref="ExitCodes"/>.</summary>
internal static class CambCli
{
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        // Whatever goes wrong, and wherever the key was typed, no line this command prints can show it.
        var secrets = Secrets.In(args);
        console = console.Redacting(secrets);
        try
        {
            return await RunCoreAsync(args, console, cancellationToken);
        }
        finally
        {
            await console.Out.FlushAsync(CancellationToken.None);
            await console.Error.FlushAsync(CancellationToken.None);
        }
    }

    private static async Task<int> RunCoreAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
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
        var concurrency = new Option<int>("--concurrency") { Description = "Files separated at once (1-16)", DefaultValueFactory = _ => 2 };
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

        var separate = new Command("separate", "Separate files into foreground and background tracks") { inputs, outOption, simulate, json, timeout, concurrency };
        separate.SetAction((parse, ct) => Commands.SeparateAsync(console, new SeparateRequest(
            parse.GetValue(inputs)!, parse.GetValue(outOption)!, parse.GetValue(simulate), parse.GetValue(json), parse.GetValue(timeout),
            parse.GetValue(concurrency), Connection(parse)), ct));

        var taskId = new Argument<string>("task-id");
        var status = new Command("status", "Show a task's status") { taskId, json };
        status.SetAction((parse, ct) => Commands.StatusAsync(console, parse.GetValue(taskId)!, Connection(parse), parse.GetValue(json), ct));

        var runId = new Argument<long>("run-id");
        var result = new Command("result", "Show a run's download URLs (without their signatures)") { runId, json };
        result.SetAction((parse, ct) => Commands.ResultsAsync(console, [parse.GetValue(runId)], Connection(parse), parse.GetValue(json), ct));

        var runIds = new Argument<long[]>("run-ids") { Arity = ArgumentArity.OneOrMore };
        var results = new Command("results", "Show several runs' download URLs") { runIds, json };
        results.SetAction((parse, ct) => Commands.ResultsAsync(console, parse.GetValue(runIds)!, Connection(parse), parse.GetValue(json), ct));

        var simulateCommand = new Command("simulate", "Run the simulator standalone and print its base URL and key (Ctrl+C stops it)");
        simulateCommand.SetAction(async (_, ct) =>
        {
            await using var sim = await CambSimulator.StartAsync(cancellationToken: ct);
            // The simulator's own key is not a secret: other tools need it to talk to the simulator.
            await console.Out.WriteLineAsync($"CAMB_BASE_URL={sim.BaseAddress}");
            await console.Out.WriteLineAsync($"CAMB_API_KEY={sim.ApiKey}");
            await console.Error.WriteLineAsync("Simulator running; Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Success;
        });

        var root = new RootCommand("camb: separate recordings into foreground and background tracks with CAMB.AI.\n" +
                                   "Exit codes: 0 success, 1 failure, 2 bad usage, 3 partial success in a batch, " +
                                   "4 timed out (the task goes on: resume it with the command printed).")
        {
            separate, status, result, results, simulateCommand, apiKey, baseUrl, requestTimeout,
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

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, cancellationToken);
    }

    private static TimeSpan? ParseDuration(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
        if (Durations.TryParse(text, out var value, out var error))
        {
            return value;
        }

        var name = (result.Parent as System.CommandLine.Parsing.OptionResult)?.Option.Name ?? "the duration";
        result.AddError($"{name}: {error}");
        return null;
    }
}
