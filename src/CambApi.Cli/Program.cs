using System.CommandLine;
using System.Text.Json;
using CambApi;
using CambApi.Cli;
using CambApi.Simulator;
using Spectre.Console;

// camb — separate recordings with CAMB.AI (or the embedded simulator). Exit codes: see ExitCodes.
var inputs = new Argument<string[]>("inputs") { Description = "Audio files or folders (WAV, MP3, FLAC, AAC)", Arity = ArgumentArity.OneOrMore };
var outOption = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "out" };
var simulate = new Option<bool>("--simulate") { Description = "Use the embedded simulator: no key, no network" };
var json = new Option<bool>("--json") { Description = "Print the results as JSON" };
var timeout = new Option<TimeSpan?>("--timeout") { Description = "Give up waiting after this long (e.g. 00:10:00)" };
var concurrency = new Option<int>("--concurrency") { Description = "Files separated at once", DefaultValueFactory = _ => 2 };
var apiKey = new Option<string?>("--api-key") { Description = "API key (default: CAMB_API_KEY)" };
var baseUrl = new Option<string?>("--base-url") { Description = "API base URL (default: CAMB_BASE_URL, else the vendor's)" };

var separate = new Command("separate", "Separate files into foreground and background tracks") { inputs, outOption, simulate, json, timeout, concurrency, apiKey, baseUrl };
separate.SetAction((parse, ct) => Commands.SeparateAsync(new SeparateRequest(
    parse.GetValue(inputs)!, parse.GetValue(outOption)!, parse.GetValue(simulate), parse.GetValue(json), parse.GetValue(timeout),
    parse.GetValue(concurrency), parse.GetValue(apiKey), parse.GetValue(baseUrl)), ct));

var taskId = new Argument<string>("task-id");
var status = new Command("status", "Show a task's status") { taskId, apiKey, baseUrl, json };
status.SetAction((parse, ct) => Commands.StatusAsync(parse.GetValue(taskId)!, parse.GetValue(apiKey), parse.GetValue(baseUrl), parse.GetValue(json), ct));

var runId = new Argument<long>("run-id");
var result = new Command("result", "Show a run's download URLs (without their signatures)") { runId, apiKey, baseUrl, json };
result.SetAction((parse, ct) => Commands.ResultsAsync([parse.GetValue(runId)], parse.GetValue(apiKey), parse.GetValue(baseUrl), parse.GetValue(json), ct));

var runIds = new Argument<long[]>("run-ids") { Arity = ArgumentArity.OneOrMore };
var results = new Command("results", "Show several runs' download URLs") { runIds, apiKey, baseUrl, json };
results.SetAction((parse, ct) => Commands.ResultsAsync(parse.GetValue(runIds)!, parse.GetValue(apiKey), parse.GetValue(baseUrl), parse.GetValue(json), ct));

var simulateCommand = new Command("simulate", "Run the simulator standalone and print its base URL and key");
simulateCommand.SetAction(async (_, ct) =>
{
    await using var sim = await CambSimulator.StartAsync(cancellationToken: ct);
    Console.WriteLine($"CAMB_BASE_URL={sim.BaseAddress}");
    Console.WriteLine($"CAMB_API_KEY={sim.ApiKey}");
    Console.WriteLine("Simulator running; Ctrl+C to stop.");
    try
    {
        await Task.Delay(Timeout.Infinite, ct);
    }
    catch (OperationCanceledException)
    {
    }

    return ExitCodes.Success;
});

var root = new RootCommand("camb: separate recordings into foreground and background tracks with CAMB.AI") { separate, status, result, results, simulateCommand };
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"camb: {error.Message}");
    }

    return ExitCodes.BadUsage;
}

return await parsed.InvokeAsync();
