using System.CommandLine;
using CambApi.Simulator;

namespace CambApi.Cli;

/// <summary>The <c>camb</c> command line. Exit codes: see <see cref="ExitCodes"/>.</summary>
internal static class CambCli
{
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Audio files or folders (WAV, MP3, FLAC, AAC)", Arity = ArgumentArity.OneOrMore };
        var outOption = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "out" };
        var simulate = new Option<bool>("--simulate") { Description = "Use the embedded simulator: no key, no network" };
        var json = new Option<bool>("--json") { Description = "Print results as JSON on stdout (progress stays on stderr)" };
        var timeout = new Option<TimeSpan?>("--timeout") { Description = "Stop waiting for a task after this long, e.g. 00:10:00 (default 30 min)" };
        var concurrency = new Option<int>("--concurrency") { Description = "Files separated at once (1-16)", DefaultValueFactory = _ => 2 };
        var apiKey = new Option<string?>("--api-key") { Description = "API key (default: CAMB_API_KEY); never printed" };
        var baseUrl = new Option<string?>("--base-url") { Description = "API base URL (default: CAMB_BASE_URL, else the vendor's)" };

        var separate = new Command("separate", "Separate files into foreground and background tracks") { inputs, outOption, simulate, json, timeout, concurrency, apiKey, baseUrl };
        separate.SetAction((parse, ct) => Commands.SeparateAsync(console, new SeparateRequest(
            parse.GetValue(inputs)!, parse.GetValue(outOption)!, parse.GetValue(simulate), parse.GetValue(json), parse.GetValue(timeout),
            parse.GetValue(concurrency), parse.GetValue(apiKey), parse.GetValue(baseUrl)), ct));

        var taskId = new Argument<string>("task-id");
        var status = new Command("status", "Show a task's status") { taskId, apiKey, baseUrl, json };
        status.SetAction((parse, ct) => Commands.StatusAsync(console, parse.GetValue(taskId)!, parse.GetValue(apiKey), parse.GetValue(baseUrl), parse.GetValue(json), ct));

        var runId = new Argument<long>("run-id");
        var result = new Command("result", "Show a run's download URLs (without their signatures)") { runId, apiKey, baseUrl, json };
        result.SetAction((parse, ct) => Commands.ResultsAsync(console, [parse.GetValue(runId)], parse.GetValue(apiKey), parse.GetValue(baseUrl), parse.GetValue(json), ct));

        var runIds = new Argument<long[]>("run-ids") { Arity = ArgumentArity.OneOrMore };
        var results = new Command("results", "Show several runs' download URLs") { runIds, apiKey, baseUrl, json };
        results.SetAction((parse, ct) => Commands.ResultsAsync(console, parse.GetValue(runIds)!, parse.GetValue(apiKey), parse.GetValue(baseUrl), parse.GetValue(json), ct));

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
                                   "Exit codes: 0 success, 1 failure, 2 bad usage, 3 partial success in a batch.")
        {
            separate, status, result, results, simulateCommand,
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await console.Error.WriteLineAsync($"camb: {error.Message}");
            }

            return ExitCodes.BadUsage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, cancellationToken);
    }
}
