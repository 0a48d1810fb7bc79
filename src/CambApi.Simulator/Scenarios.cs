using System.Globalization;
using System.IO.Enumeration;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CambApi.Simulator;

/// <summary>What the simulator does with one uploaded file: its final status and the faults played on the way.</summary>
public sealed record SimulatedOutcome
{
    /// <summary>Separate the file for real and end in SUCCESS.</summary>
    public static SimulatedOutcome Success { get; } = new();

    /// <summary>The terminal status: SUCCESS separates the file; ERROR, TIMEOUT, PAYMENT_REQUIRED (or any other text) are answered as is.</summary>
    public string Status { get; init; } = "SUCCESS";

    /// <summary>The service's <c>exception_reason</c> for a failed task (HARMFUL_CONTENT_DETECTED, SOURCE_TOO_LONG, ...).</summary>
    public string? ExceptionReason { get; init; }

    /// <summary>The service's <c>message</c> for a failed task.</summary>
    public string? Message { get; init; }

    /// <summary>How long the task stays PENDING; null for <see cref="SimulatorOptions.ProcessingTime"/>.</summary>
    public TimeSpan? ProcessingTime { get; init; }

    /// <summary>Extra time before every API response about this file (upload and polls).</summary>
    public TimeSpan AddedLatency { get; init; }

    /// <summary>The first N polls of the task get 429 with Retry-After.</summary>
    public int BusyPolls { get; init; }

    /// <summary>The first N polls of the task are cut off mid-answer (a connection reset after part of the JSON).</summary>
    public int ResetPolls { get; init; }

    /// <summary>The first N polls of the task send their headers and part of the JSON, then nothing until the client gives up.</summary>
    public int StallPolls { get; init; }

    /// <summary>The first N polls of the task get a complete 200 whose JSON is cut short (a proxy that truncated it).</summary>
    public int TruncatedPolls { get; init; }

    /// <summary>The first N uploads of a file of this name get 503 with Retry-After.</summary>
    public int UnavailableUploads { get; init; }

    /// <summary>The Retry-After, in seconds, sent with 429 and 503.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>A task that ends in <paramref name="status"/> with the service's reason and message.</summary>
    public static SimulatedOutcome Failure(string status, string exceptionReason, string? message = null) =>
        new() { Status = status, ExceptionReason = exceptionReason, Message = message };
}

/// <summary>A fault the storage host plays on one download request (see <see cref="SimulatorOptions.StorageFaults"/>).</summary>
public sealed record StorageFault
{
    private StorageFault()
    {
    }

    /// <summary>The HTTP status answered instead of the file (403 as an expired link, 404, 500, ...); null for none.</summary>
    public int? StatusCode { get; private init; }

    /// <summary>Send this many bytes of the body, then reset the connection; null for none.</summary>
    public long? ResetAfterBytes { get; private init; }

    /// <summary>Send this many bytes, then send nothing more until the client gives up; null for none.</summary>
    public long? StallAfterBytes { get; private init; }

    /// <summary>Answer <paramref name="statusCode"/> with a short text body.</summary>
    public static StorageFault Status(int statusCode) => new() { StatusCode = statusCode };

    /// <summary>A connection reset after <paramref name="bytes"/> bytes of the body.</summary>
    public static StorageFault ResetAfter(long bytes) => new() { ResetAfterBytes = bytes };

    /// <summary>A body that stops after <paramref name="bytes"/> bytes and never ends.</summary>
    public static StorageFault StallAfter(long bytes) => new() { StallAfterBytes = bytes };

    /// <summary>Reads the text form used on the command line and in scenario files: <c>403</c>, <c>reset-after:65536</c>, <c>stall-after:4096</c>.</summary>
    /// <exception cref="FormatException">Anything else, with the forms that are understood.</exception>
    public static StorageFault Parse(string text)
    {
        var parts = text.Trim().Split(':', 2);
        var (kind, count) = (parts[0], parts.Length > 1 ? parts[1] : "");
        if (count.Length == 0 && int.TryParse(kind, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 400 and <= 599)
        {
            return Status(status);
        }

        if (long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
        {
            switch (kind)
            {
                case "reset-after":
                    return ResetAfter(bytes);
                case "stall-after":
                    return StallAfter(bytes);
            }
        }

        throw new FormatException($"'{text}' is not a storage fault; write an HTTP status (403), reset-after:BYTES or stall-after:BYTES.");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        StatusCode is { } s ? s.ToString(CultureInfo.InvariantCulture) : ResetAfterBytes is { } r ? $"reset-after:{r}" : $"stall-after:{StallAfterBytes}";
}

/// <summary>
/// A reusable set of outcomes and faults: rules by file-name pattern (<c>*</c> and <c>?</c>, case-insensitive), each
/// changing the outcome of the files it matches; every matching rule applies, in order, so a later rule refines an
/// earlier one. The same scenario comes from C# (<see cref="For"/>) or from a JSON file (<see cref="Load"/>), which is
/// what <c>camb simulate --scenario</c> reads.
/// </summary>
/// <example>
/// <code>
/// var scenario = new SimulatorScenario { ProcessingTime = TimeSpan.FromSeconds(3) }
///     .For("*", o => o with { BusyPolls = 1 })
///     .For("noisy-*.wav", o => o with { Status = "ERROR", ExceptionReason = "HARMFUL_CONTENT_DETECTED" });
/// await using var sim = await CambSimulator.StartAsync(scenario.ApplyTo(new SimulatorOptions()));
/// </code>
/// </example>
public sealed class SimulatorScenario
{
    private static readonly JsonSerializerOptions FileFormat = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, // a misspelt fault must not pass silently
    };

    private readonly List<(string Pattern, Func<SimulatedOutcome, SimulatedOutcome> Change)> _rules = [];

    /// <summary>How long tasks stay PENDING unless a rule says otherwise.</summary>
    public TimeSpan? ProcessingTime { get; set; }

    /// <summary>How long result URLs stay valid (a short one plays storage 403 expiry for real).</summary>
    public TimeSpan? UrlLifetime { get; set; }

    /// <summary>Faults for the storage host, one per download request, in order.</summary>
    public IList<StorageFault> StorageFaults { get; } = [];

    /// <summary>Changes the outcome of every file whose name matches <paramref name="pattern"/>.</summary>
    public SimulatorScenario For(string pattern, Func<SimulatedOutcome, SimulatedOutcome> change)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        ArgumentNullException.ThrowIfNull(change);
        _rules.Add((pattern, change));
        return this;
    }

    /// <summary>The outcome for an uploaded file: SUCCESS changed by every rule that matches its name, in order.</summary>
    public SimulatedOutcome OutcomeFor(string fileName) => _rules
        .Where(rule => FileSystemName.MatchesSimpleExpression(rule.Pattern, fileName, ignoreCase: true))
        .Aggregate(SimulatedOutcome.Success, (outcome, rule) => rule.Change(outcome));

    /// <summary>Makes <paramref name="options"/> play this scenario (its rules, times and storage faults).</summary>
    public SimulatorOptions ApplyTo(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Scenario = OutcomeFor;
        options.ProcessingTime = ProcessingTime ?? options.ProcessingTime;
        options.UrlLifetime = UrlLifetime ?? options.UrlLifetime;
        foreach (var fault in StorageFaults)
        {
            options.StorageFaults.Enqueue(fault);
        }

        return options;
    }

    /// <summary>Reads a scenario file (JSON; see docs/simulator.md "Playing a scenario from the command line").</summary>
    /// <exception cref="FormatException">The file is not a scenario; the message names the place.</exception>
    public static SimulatorScenario Load(string path) => Parse(File.ReadAllText(path), Path.GetFileName(path));

    /// <summary>Reads a scenario from JSON text.</summary>
    /// <exception cref="FormatException">The text is not a scenario; the message names the place.</exception>
    public static SimulatorScenario Parse(string json, string source = "scenario")
    {
        ScenarioFile file;
        try
        {
            file = JsonSerializer.Deserialize<ScenarioFile>(json, FileFormat) ?? new ScenarioFile();
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: {e.Message.Split(" Path:")[0]} (at {e.Path})", e);
        }

        var scenario = new SimulatorScenario
        {
            ProcessingTime = Duration(file.ProcessingTime, source, "processingTime"),
            UrlLifetime = Duration(file.UrlLifetime, source, "urlLifetime"),
        };
        foreach (var (fault, i) in file.StorageFaults.Select((f, i) => (f, i)))
        {
            try
            {
                scenario.StorageFaults.Add(StorageFault.Parse(fault));
            }
            catch (FormatException e)
            {
                throw new FormatException($"{source}: storageFaults[{i}]: {e.Message}", e);
            }
        }

        foreach (var (rule, i) in file.Files.Select((r, i) => (r, i)))
        {
            scenario.For(rule.Match, rule.ToChange($"{source}: files[{i}]"));
        }

        return scenario;
    }

    private static TimeSpan? Duration(string? text, string source, string field) =>
        text is null ? null
        : Durations.TryParse(text, out var value, out var error) ? value
        : throw new FormatException($"{source}: {field}: {error}");

    private sealed class ScenarioFile
    {
        public string? ProcessingTime { get; set; }

        public string? UrlLifetime { get; set; }

        public List<FileRule> Files { get; set; } = [];

        public List<string> StorageFaults { get; set; } = [];
    }

    private sealed class FileRule
    {
        public string Match { get; set; } = "*";

        public string? Status { get; set; }

        public string? Reason { get; set; }

        public string? Message { get; set; }

        public string? ProcessingTime { get; set; }

        public string? Latency { get; set; }

        public int? BusyPolls { get; set; }

        public int? ResetPolls { get; set; }

        public int? StallPolls { get; set; }

        public int? TruncatedPolls { get; set; }

        public int? UnavailableUploads { get; set; }

        public string? RetryAfter { get; set; }

        public Func<SimulatedOutcome, SimulatedOutcome> ToChange(string place)
        {
            var processing = Duration(ProcessingTime, place, "processingTime");
            var latency = Duration(Latency, place, "latency");
            var retryAfter = Duration(RetryAfter, place, "retryAfter");
            return outcome => outcome with
            {
                Status = Status ?? outcome.Status,
                ExceptionReason = Reason ?? outcome.ExceptionReason,
                Message = Message ?? outcome.Message,
                ProcessingTime = processing ?? outcome.ProcessingTime,
                AddedLatency = latency ?? outcome.AddedLatency,
                BusyPolls = BusyPolls ?? outcome.BusyPolls,
                ResetPolls = ResetPolls ?? outcome.ResetPolls,
                StallPolls = StallPolls ?? outcome.StallPolls,
                TruncatedPolls = TruncatedPolls ?? outcome.TruncatedPolls,
                UnavailableUploads = UnavailableUploads ?? outcome.UnavailableUploads,
                RetryAfterSeconds = retryAfter is { } r ? (int)Math.Ceiling(r.TotalSeconds) : outcome.RetryAfterSeconds,
            };
        }
    }
}
