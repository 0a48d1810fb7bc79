using System.Globalization;
using CambApi.Client;

namespace CambApi;

/// <summary>What went wrong, as a stable code for scripts and one plain line for a person: what happened, never what to do.</summary>
internal sealed record FailureReason(string Code, string Reason);

/// <summary>
/// The one table of failure codes and their plain reasons, for every failure the library raises. Each user of the library
/// appends its own next step to the reason — <c>camb</c> names its options, a fleet says whether the file goes back in
/// line or waits for a person — so the words for what happened live here once. Never a stack trace, a .NET type name,
/// the key or a URL's query.
/// </summary>
internal static class FailureReasons
{
    public const string WaitTimedOut = "wait_timed_out";
    public const string PaymentRequired = "payment_required";
    public const string TaskFailed = "task_failed";
    public const string DownloadFailed = "download_failed";
    public const string OutputExists = "output_exists";
    public const string HostNotFound = "host_not_found";
    public const string ConnectionFailed = "connection_failed";
    public const string RequestTimedOut = "request_timed_out";
    public const string UnreadableAnswer = "unreadable_answer";
    public const string Unauthorized = "unauthorized";
    public const string NotFound = "not_found";
    public const string Rejected = "rejected";
    public const string Busy = "busy";
    public const string Redirected = "redirected";
    public const string ServiceError = "service_error";
    public const string FileError = "file_error";
    public const string Interrupted = "interrupted";
    public const string InvalidInput = "invalid_input";

    public static FailureReason Of(Exception e) => e switch
    {
        SeparationTimeoutException t => new(WaitTimedOut,
            t.RefusedWith is { } code
                ? $"the service kept answering {code} ({(code == 429 ? "too many requests" : "unavailable")}) for {t.Waited.TotalSeconds:0} s, so the task's status was never read; task {t.TaskId} goes on at the service"
                : $"still {t.LastStatus} after {t.Waited.TotalSeconds:0} s; task {t.TaskId} goes on at the service"),
        SeparationFailedException f when f.Status == SeparationStatus.PaymentRequired => new(PaymentRequired,
            $"the service needs payment to run task {f.TaskId} (PAYMENT_REQUIRED)"),
        SeparationFailedException f => new(TaskFailed,
            $"the service could not separate it: {f.Status}{(f.ExceptionReason is { } r ? $" ({r})" : "")}{(f.ServiceMessage is { } m ? $": {m}" : "")}"),
        SeparationDownloadException d => new(DownloadFailed, DownloadProblem(d)),
        SeparationOutputExistsException { AppearedMeanwhile: true } o => new(OutputExists, $"{o.Path} appeared while the service worked; it was left as it is"),
        SeparationOutputExistsException o => new(OutputExists, $"{o.Path} already exists"),
        CambConnectionException c => new(c.Failure == ConnectionFailure.HostNotFound ? HostNotFound : ConnectionFailed, $"could not reach {c.Host}: {c.Reason}"),
        CambRequestTimeoutException r => new(RequestTimedOut, $"the service did not answer within {r.AttemptTimeout.TotalSeconds:0.#} s"),
        CambApiException api => ApiProblem(api),
        UnauthorizedAccessException or IOException => new(FileError, Plain(e.Message)),
        OperationCanceledException => new(Interrupted, "interrupted"),
        _ => new(InvalidInput, Plain(e.Message)),
    };

    private static FailureReason ApiProblem(CambApiException api)
    {
        var subject = api.TaskId is { } task ? $"task {task}" : api.RunId is { } run ? $"run {run.ToString(CultureInfo.InvariantCulture)}" : "the request";
        var detail = api.ServiceDetail is { } d ? $": {d}" : "";
        return api.StatusCode switch
        {
            >= 200 and < 300 => new(UnreadableAnswer, $"the service's answer could not be read ({Plain(api.Message.Split(": ", 2).Last())})"),
            401 or 403 => new(Unauthorized, $"the service refused the API key (HTTP {api.StatusCode})"),
            404 => new(NotFound, $"the service does not know {subject} (HTTP 404{detail})"),
            422 => new(Rejected, $"the service rejected {subject} (HTTP 422{detail})"),
            429 => new(Busy, "the service is busy (HTTP 429)"),
            >= 300 and < 400 => new(Redirected, $"the service redirected (HTTP {api.StatusCode}); the key is only sent to the API host, so redirects are not followed"),
            >= 500 => new(ServiceError, $"the service failed (HTTP {api.StatusCode}{detail})"),
            _ => new(string.Create(CultureInfo.InvariantCulture, $"http_{api.StatusCode}"), $"the service answered HTTP {api.StatusCode}{detail}"),
        };
    }

    private static string DownloadProblem(SeparationDownloadException d)
    {
        var host = d.RedactedUrl.Authority;
        return d.InnerException switch
        {
            CambConnectionException c => $"could not download from {host}: {c.Reason}",
            CambRequestTimeoutException => $"the storage host {host} did not answer in time",
            _ when d.StatusCode is >= 300 and < 400 => Plain(d.Message),
            _ when d.StatusCode == 403 => $"the download link was refused (HTTP 403) even after fetching fresh links for run {d.RunId}",
            _ when d.StatusCode is { } status => $"the storage host answered HTTP {status} for {System.IO.Path.GetFileName(d.RedactedUrl.AbsolutePath)}",
            _ => Plain(d.Message),
        };
    }

    /// <summary>A message for a person: no " (Parameter 'x')", no final period (a line adds its own).</summary>
    public static string Plain(string message) => Redaction.WithoutParameterName(message).TrimEnd('.');
}
