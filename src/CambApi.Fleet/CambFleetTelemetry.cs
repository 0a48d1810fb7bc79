using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CambApi.Fleet;

/// <summary>
/// The fleet's telemetry, beside the library's (<see cref="CambApiTelemetry"/>): subscribe with
/// <c>tracing.AddSource(CambFleetTelemetry.ActivitySourceName)</c> and <c>metrics.AddMeter(CambFleetTelemetry.MeterName)</c>.
/// <c>camb fleet work</c> exports both, with the library's, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
/// <remarks>
/// Spans: <c>camb.fleet.step</c>, one per step a worker runs on a file, tagged <c>camb.fleet.step</c> (upload, poll,
/// download), <c>camb.fleet.file.sha256</c>, <c>camb.task_id</c> and <c>camb.run_id</c> when the row has them; the library's
/// spans of that step (<c>camb.upload</c>, <c>camb.poll</c>, <c>camb.download</c>) nest under it. No tag carries the key, a
/// path or a presigned URL.
/// Metrics: <c>camb.fleet.step.duration</c> (s; <c>camb.fleet.step</c>, <c>camb.fleet.outcome</c>: ok or error),
/// <c>camb.fleet.uploads</c> (<c>camb.fleet.outcome</c>: accepted, refused — the vendor held its limit — or the failure code
/// the file was given), <c>camb.fleet.status_reads</c> (<c>camb.status</c>, or <c>error.type</c> when none was read),
/// <c>camb.fleet.database.retries</c> and <c>camb.fleet.database.outages</c>; observed at each sweep of a listening
/// worker: <c>camb.fleet.files</c> (<c>camb.fleet.state</c>), <c>camb.fleet.gate.limit</c> and
/// <c>camb.fleet.gate.in_flight</c> (files at the vendor), each tagged <c>db.namespace</c> (the fleet's database name).
/// </remarks>
public static class CambFleetTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name.</summary>
    public const string ActivitySourceName = "CambApi.Fleet";

    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "CambApi.Fleet";

    private static readonly string? Version = typeof(CambFleetTelemetry).Assembly.GetName().Version?.ToString();

    private static readonly ActivitySource Source = new(ActivitySourceName, Version);

    private static readonly Meter Meter = new(MeterName, Version);

    /// <summary>The latest status each fleet database showed a listening worker, by database name.</summary>
    private static readonly ConcurrentDictionary<string, FleetStatus> Observed = new(StringComparer.Ordinal);

    private static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>(
        "camb.fleet.step.duration", "s", "Duration of a worker's steps on a file (upload, status read, download), by outcome");

    private static readonly Counter<long> Uploads = Meter.CreateCounter<long>(
        "camb.fleet.uploads", "{upload}", "Uploads a worker finished, by outcome: accepted (a task, paid), refused, or the failure code");

    private static readonly Counter<long> StatusReads = Meter.CreateCounter<long>(
        "camb.fleet.status_reads", "{request}", "Status reads a worker made, by the status read");

    private static readonly Counter<long> DatabaseRetries = Meter.CreateCounter<long>(
        "camb.fleet.database.retries", "{retry}", "Database operations tried again after a transient fault");

    private static readonly Counter<long> DatabaseOutages = Meter.CreateCounter<long>(
        "camb.fleet.database.outages", "{outage}", "Times a worker lost its database (one per outage, however many operations waited)");

    private static readonly ObservableGauge<long> Files = Meter.CreateObservableGauge(
        "camb.fleet.files", ObserveFiles, "{file}", "Files in the fleet by state, as the latest sweep of a listening worker read them");

    private static readonly ObservableGauge<double> GateLimit = Meter.CreateObservableGauge(
        "camb.fleet.gate.limit", () => Observed.Select(o => new Measurement<double>(o.Value.Gate.Limit, Database(o.Key))), "{task}",
        "The fleet's limit on files at the vendor");

    private static readonly ObservableGauge<long> InFlight = Meter.CreateObservableGauge(
        "camb.fleet.gate.in_flight", () => Observed.Select(o => new Measurement<long>(o.Value.InFlight, Database(o.Key))), "{task}",
        "Files at the vendor (uploading or processing)");

    /// <summary>True when anyone listens to the observed gauges: only then does a sweep read the status for them.</summary>
    internal static bool Observing => Files.Enabled || GateLimit.Enabled || InFlight.Enabled;

    /// <summary>Starts a step's span (null when nobody listens).</summary>
    internal static Activity? StartStep(string step, FleetFile file)
    {
        var activity = Source.StartActivity("camb.fleet.step", ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("camb.fleet.step", step);
            activity.SetTag("camb.fleet.file.sha256", file.Sha256);
            activity.SetTag("camb.task_id", file.TaskId);
            activity.SetTag("camb.run_id", file.RunId);
        }

        return activity;
    }

    /// <summary>Ends a step: its duration by outcome, and the span's status when it failed.</summary>
    internal static void EndStep(Activity? activity, string step, long started, Exception? error)
    {
        if (error is not null && activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            activity.SetTag("error.type", error.GetType().Name);
        }

        StepDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
            new TagList { { "camb.fleet.step", step }, { "camb.fleet.outcome", error is null ? "ok" : "error" } });
    }

    internal static void RecordUpload(string outcome) => Uploads.Add(1, new KeyValuePair<string, object?>("camb.fleet.outcome", outcome));

    internal static void RecordStatusRead(string? status, Exception? error) =>
        StatusReads.Add(1, error is null
            ? new KeyValuePair<string, object?>("camb.status", status)
            : new KeyValuePair<string, object?>("error.type", error is CambException { StatusCode: int code and > 0 } ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : error.GetType().Name));

    internal static void RecordDatabaseRetry() => DatabaseRetries.Add(1);

    internal static void RecordDatabaseOutage() => DatabaseOutages.Add(1);

    /// <summary>What a sweep read of the fleet, for the observed gauges.</summary>
    internal static void Observe(string database, FleetStatus status) => Observed[database] = status;

    private static IEnumerable<Measurement<long>> ObserveFiles() =>
        Observed.SelectMany(o => o.Value.Counts.Select(c =>
            new Measurement<long>(c.Value, new KeyValuePair<string, object?>("camb.fleet.state", c.Key.ToString().ToLowerInvariant()), Database(o.Key))));

    private static KeyValuePair<string, object?> Database(string name) => new("db.namespace", name);
}
