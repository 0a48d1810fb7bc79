using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CambApi;

/// <summary>
/// The names to subscribe to: <c>tracing.AddSource(CambApiTelemetry.ActivitySourceName)</c> and
/// <c>metrics.AddMeter(CambApiTelemetry.MeterName)</c> with OpenTelemetry, or an <see cref="ActivityListener"/> /
/// <see cref="MeterListener"/>.
/// </summary>
/// <remarks>
/// Spans: <c>camb.separate</c> (around the one-call workflow), <c>camb.upload</c>, <c>camb.poll</c> (one per status request), <c>camb.wait</c>, <c>camb.result</c>,
/// <c>camb.download</c> (one per track), tagged with <c>camb.task_id</c>, <c>camb.run_id</c>, <c>camb.status</c>,
/// <c>camb.track</c> and <c>camb.bytes</c>; a failure sets the span's status and <c>error.type</c>. HttpClient's own
/// <c>System.Net.Http</c> spans (OpenTelemetry's HTTP conventions) nest under them. No tag carries the key, a file path
/// or a presigned URL.
/// Metrics: <c>camb.client.operation.duration</c> (s; <c>camb.operation</c>, <c>error.type</c>; its count is the
/// number of calls), <c>camb.client.transferred</c> (By; <c>camb.direction</c>) and <c>camb.separation.duration</c>
/// (s, a task's wait until its end; <c>camb.outcome</c>), <c>camb.client.spec_drift</c> (answers the spec does not describe;
/// <c>camb.operation</c>, <c>camb.drift.kind</c>: field, status-value, http-status, content-type; <c>camb.drift.name</c>).
/// </remarks>
public static class CambApiTelemetry
{
    /// <summary>The <see cref="ActivitySource"/> name.</summary>
    public const string ActivitySourceName = "CambApi";

    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "CambApi";

    private static readonly string? Version = typeof(CambApiTelemetry).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource Source = new(ActivitySourceName, Version);

    private static readonly Meter Meter = new(MeterName, Version);

    private static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "camb.client.operation.duration", "s", "Duration of the library's API calls (create, status, result, results), retries included");

    private static readonly Counter<long> Transferred = Meter.CreateCounter<long>(
        "camb.client.transferred", "By", "Bytes uploaded and downloaded");

    private static readonly Histogram<double> SeparationDuration = Meter.CreateHistogram<double>(
        "camb.separation.duration", "s", "How long a task was waited for until it ended, by outcome");

    private static readonly Counter<long> Drift = Meter.CreateCounter<long>(
        "camb.client.spec_drift", "{answer}", "Answers with something the spec does not describe, by operation, kind and name (never a value)");

    /// <summary>Starts a span (null when nobody listens: then nothing is recorded and nothing allocated).</summary>
    internal static Activity? Start(string name, string? taskId = null, long? runId = null)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("camb.task_id", taskId);
            activity.SetTag("camb.run_id", runId);
        }

        return activity;
    }

    /// <summary>Ends a span as failed: status Error and <c>error.type</c> (the exception's type, as OpenTelemetry does).</summary>
    internal static void Fail(Activity? activity, Exception error)
    {
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
            activity.SetTag("error.type", ErrorType(error));
        }
    }

    /// <summary>Records one API call of <paramref name="operation"/> that started at <paramref name="started"/> (a Stopwatch timestamp).</summary>
    internal static void RecordOperation(string operation, long started, Exception? error)
    {
        if (OperationDuration.Enabled)
        {
            var tags = new TagList { { "camb.operation", operation } };
            if (error is not null)
            {
                tags.Add("error.type", ErrorType(error));
            }

            OperationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    internal static void RecordTransfer(string direction, long bytes)
    {
        if (bytes > 0)
        {
            Transferred.Add(bytes, new KeyValuePair<string, object?>("camb.direction", direction));
        }
    }

    /// <summary>One answer that drifted from the spec (see <see cref="SpecDrift"/>).</summary>
    internal static void RecordDrift(string operation, string kind, string name) =>
        Drift.Add(1, new TagList { { "camb.operation", operation }, { "camb.drift.kind", kind }, { "camb.drift.name", name } });

    /// <summary>Records a wait that ended: <c>success</c>, <c>failed</c>, <c>timeout</c> (MaxWait) or <c>cancelled</c>.</summary>
    internal static void RecordSeparation(TimeSpan waited, string outcome) =>
        SeparationDuration.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("camb.outcome", outcome));

    /// <summary>The HTTP status for a service answer, else the exception's type name (OpenTelemetry's <c>error.type</c>).</summary>
    private static string ErrorType(Exception error) => error switch
    {
        CambException { StatusCode: int status and > 0 } => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => error.GetType().Name,
    };
}
