using CambApi.Simulator;

namespace CambApi.Cli.Commands;

/// <summary>What <c>camb simulate</c> was asked to play: a scenario file and/or flags (flags refine the file).</summary>
internal sealed record SimulateRequest(
    string? ScenarioFile,
    TimeSpan? ProcessingTime,
    TimeSpan? UrlLifetime,
    string[] Outcomes,
    int? BusyPolls,
    int? UnavailableUploads,
    int? ResetPolls,
    int? StallPolls,
    int? TruncatedPolls,
    TimeSpan? RetryAfter,
    string[] StorageFaults,
    int? MaxInFlight = null,
    long? UploadBytesPerSecond = null,
    string? RequestLog = null,
    string? Drift = null,
    string? StormFile = null);

/// <summary>Runs the simulator standalone, playing a scenario, and says what each upload will meet.</summary>
internal static class SimulateCommand
{
    public const string OutcomeSyntax = "PATTERN=STATUS[:REASON[:MESSAGE]], e.g. 'noisy-*.wav=ERROR:HARMFUL_CONTENT_DETECTED'";

    public static async Task<int> RunAsync(CliConsole console, SimulateRequest request, CancellationToken cancellationToken)
    {
        SimulatorScenario scenario;
        SimulatedDrift drift;
        try
        {
            scenario = BuildScenario(request);
            drift = ParseDrift(request.Drift);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            await console.Error.WriteLineAsync($"camb: {e.Message}");
            return ExitCodes.BadUsage;
        }

        var options = scenario.ApplyTo(new SimulatorOptions());
        options.MaxInFlight = request.MaxInFlight;
        options.UploadBytesPerSecond = request.UploadBytesPerSecond;
        options.Drift = drift;
        if (request.StormFile is { } storm)
        {
            var stormPath = Path.GetFullPath(storm);
            options.Storm = () => File.Exists(stormPath);
            options.StormRetryAfter = request.RetryAfter ?? options.StormRetryAfter;
        }
        using var requestLog = request.RequestLog is { } logPath ? new StreamWriter(logPath, append: true) { AutoFlush = true } : null;
        if (requestLog is not null)
        {
            // One JSON line per API request, arrival first: tests across processes read when each request came (never the key).
            options.ApiRequestRecorded += r =>
            {
                lock (requestLog)
                {
                    requestLog.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                    {
                        arrived_ms = r.ArrivedAt.ToUnixTimeMilliseconds(), method = r.Method, path = r.Path, status = r.StatusCode,
                    }));
                }
            };
        }

        if (options.UploadBytesPerSecond is not null)
        {
            // Slow uploads: say when each starts to arrive, so another process knows it is under way at the service.
            options.UploadArriving += length => console.Error.WriteLine($"simulator: receiving an upload{(length is { } n ? $" ({n} bytes)" : "")}");
        }

        options.UploadAccepted += (file, task, count) =>
            console.Error.WriteLine($"simulator: upload {count} accepted: {file} -> task {task}{Describe(scenario.OutcomeFor(file), " ({0})")}");
        await using var sim = await CambSimulator.StartAsync(options, cancellationToken);
        // The simulator's own key is not a secret: other tools need it to talk to the simulator.
        await console.Out.WriteLineAsync($"{Connection.BaseUrlVariable}={sim.BaseAddress}");
        await console.Out.WriteLineAsync($"CAMB_API_KEY={sim.ApiKey}");
        await console.Error.WriteLineAsync($"Simulator running (tasks take {options.ProcessingTime.TotalSeconds:0.###} s{StorageSummary(scenario)}" +
                                           $"{(options.MaxInFlight is { } max ? $"; at most {max} tasks in progress" : "")}" +
                                           $"{(options.Drift != SimulatedDrift.None ? $"; drifting from the spec: {DriftNames(options.Drift)}" : "")}); Ctrl+C to stop.");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        return ExitCodes.Success;
    }

    public const string DriftSyntax = "extra-fields, new-status, renamed-field, plain-404";

    /// <summary>The --drift values, as typed.</summary>
    private static readonly Dictionary<string, SimulatedDrift> DriftKinds = new()
    {
        ["extra-fields"] = SimulatedDrift.ExtraFields,
        ["new-status"] = SimulatedDrift.NewStatus,
        ["renamed-field"] = SimulatedDrift.RenamedField,
        ["plain-404"] = SimulatedDrift.PlainNotFound,
    };

    /// <summary>--drift alone ("all"): every kind; --drift a,b: those.</summary>
    /// <exception cref="FormatException">A name that is not a drift.</exception>
    private static SimulatedDrift ParseDrift(string? text)
    {
        if (text is null)
        {
            return SimulatedDrift.None;
        }

        if (text == "all")
        {
            return SimulatedDrift.All;
        }

        var drift = SimulatedDrift.None;
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            drift |= DriftKinds.TryGetValue(name, out var kind) ? kind : throw new FormatException($"--drift: '{name}' is not a drift; use {DriftSyntax}.");
        }

        return drift;
    }

    private static string DriftNames(SimulatedDrift drift) => string.Join(", ", DriftKinds.Where(k => drift.HasFlag(k.Value)).Select(k => k.Key));

    /// <summary>The scenario file (if any), then the flags: every-file faults, then --outcome rules in order.</summary>
    /// <exception cref="FormatException">A flag or the file does not parse; the message names which.</exception>
    public static SimulatorScenario BuildScenario(SimulateRequest request)
    {
        var scenario = request.ScenarioFile is { } path
            ? File.Exists(path) ? SimulatorScenario.Load(path) : throw new FormatException($"--scenario: {path} does not exist.")
            : new SimulatorScenario();
        scenario.ProcessingTime = request.ProcessingTime ?? scenario.ProcessingTime;
        scenario.UrlLifetime = request.UrlLifetime ?? scenario.UrlLifetime;
        if (request is { BusyPolls: not null } or { UnavailableUploads: not null } or { ResetPolls: not null } or { StallPolls: not null }
            or { TruncatedPolls: not null } or { RetryAfter: not null })
        {
            scenario.For("*", o => o with
            {
                BusyPolls = request.BusyPolls ?? o.BusyPolls,
                UnavailableUploads = request.UnavailableUploads ?? o.UnavailableUploads,
                ResetPolls = request.ResetPolls ?? o.ResetPolls,
                StallPolls = request.StallPolls ?? o.StallPolls,
                TruncatedPolls = request.TruncatedPolls ?? o.TruncatedPolls,
                RetryAfterSeconds = request.RetryAfter is { } r ? (int)Math.Ceiling(r.TotalSeconds) : o.RetryAfterSeconds,
            });
        }

        foreach (var outcome in request.Outcomes)
        {
            var (pattern, failure) = ParseOutcome(outcome);
            scenario.For(pattern, o => o with { Status = failure.Status, ExceptionReason = failure.ExceptionReason, Message = failure.Message });
        }

        foreach (var fault in request.StorageFaults)
        {
            try
            {
                scenario.StorageFaults.Add(StorageFault.Parse(fault));
            }
            catch (FormatException e)
            {
                throw new FormatException($"--storage-fault: {e.Message}", e);
            }
        }

        return scenario;
    }

    private static (string Pattern, SimulatedOutcome Outcome) ParseOutcome(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var parts = equals > 0 ? text[(equals + 1)..].Split(':', 3) : [];
        if (parts.Length == 0 || parts[0].Length == 0 || parts[0].Any(char.IsWhiteSpace))
        {
            throw new FormatException($"--outcome: '{text}' is not {OutcomeSyntax}.");
        }

        return (text[..equals], new SimulatedOutcome
        {
            Status = parts[0].ToUpperInvariant(),
            ExceptionReason = parts.Length > 1 && parts[1].Length > 0 ? parts[1] : null,
            Message = parts.Length > 2 ? parts[2] : null,
        });
    }

    private static string Describe(SimulatedOutcome outcome, string format)
    {
        var parts = new List<string>();
        if (outcome.Status != "SUCCESS")
        {
            parts.Add(outcome.ExceptionReason is { } reason ? $"will end in {outcome.Status}: {reason}" : $"will end in {outcome.Status}");
        }

        AddCount(parts, outcome.UnavailableUploads, "503", "upload");
        AddCount(parts, outcome.BusyPolls, "429", "poll");
        AddCount(parts, outcome.ResetPolls, "reset", "poll");
        AddCount(parts, outcome.StallPolls, "stall", "poll");
        AddCount(parts, outcome.TruncatedPolls, "truncated JSON", "poll");
        return parts.Count == 0 ? "" : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, string.Join(", ", parts));
    }

    /// <summary>"429 on the first poll", "reset on the first 2 polls".</summary>
    private static void AddCount(List<string> parts, int count, string what, string noun)
    {
        if (count > 0)
        {
            parts.Add(count == 1 ? $"{what} on the first {noun}" : $"{what} on the first {count} {noun}s");
        }
    }

    private static string StorageSummary(SimulatorScenario scenario) =>
        scenario.StorageFaults.Count == 0 ? "" : $"; storage faults in order: {string.Join(", ", scenario.StorageFaults)}";
}
