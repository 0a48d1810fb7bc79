using System.Globalization;
using CambApi.Client;
using SeparationStatus = CambApi.Client.SeparationStatus;

namespace CambApi.Cli;

/// <summary>A failure as the CLI reports it: a stable code for scripts and one line for a person.</summary>
internal sealed record Failure(string Code, string Message);

/// <summary>
/// Turns every failure the library can raise into one line that says what happened and what to do next — never a stack
/// trace, a .NET type name, the key or a URL's query. The one place these words live (human output, JSON and the summary).
/// </summary>
internal static class Failures
{
    /// <summary>What the per-file work catches and reports; anything else is a bug and is let through.</summary>
    public static bool IsExpected(Exception e) => e is CambException or ArgumentException or IOException or UnauthorizedAccessException;

    public const string Resume = "run the same command again to resume (nothing is uploaded twice)";

    public static Failure Describe(Exception e) => e switch
    {
        SeparationTimeoutException t => new("wait_timed_out",
            t.RefusedWith is { } code
                ? $"the service kept answering {code} ({(code == 429 ? "too many requests" : "unavailable")}) until --timeout ({t.Waited.TotalSeconds:0} s), so the task's status was never read; task {t.TaskId} goes on at the service — {Resume}"
                : $"still {t.LastStatus} after {t.Waited.TotalSeconds:0} s (--timeout); task {t.TaskId} goes on at the service — {Resume}"),
        SeparationFailedException f when f.Status == SeparationStatus.PaymentRequired => new("payment_required",
            $"the service needs payment to run task {f.TaskId} (PAYMENT_REQUIRED) — add credit to the account, then run the command again"),
        SeparationFailedException f => new("task_failed",
            $"the service could not separate it: {f.Status}{(f.ExceptionReason is { } r ? $" ({r})" : "")}{(f.ServiceMessage is { } m ? $": {m}" : "")}" +
            (f.IsTransient ? " — try again later" : "")),
        SeparationDownloadException d => new("download_failed", $"{DownloadProblem(d)} — {Resume}"),
        SeparationOutputExistsException { AppearedMeanwhile: true } o => new("output_exists",
            $"{o.Path} appeared while the service worked and camb did not write it; it was left as it is — pass --overwrite to replace it"),
        SeparationOutputExistsException o => new("output_exists", $"{o.Path} already exists and was not written by camb; pass --overwrite to replace it, or choose another --out"),
        CambConnectionException c => new(c.Failure == ConnectionFailure.HostNotFound ? "host_not_found" : "connection_failed",
            $"could not reach {c.Host}: {c.Reason} — check --base-url and your network"),
        CambRequestTimeoutException r => new("request_timed_out",
            $"the service did not answer within {r.AttemptTimeout.TotalSeconds:0.#} s — try again later, or allow longer with --request-timeout"),
        CambApiException api => ApiProblem(api),
        UnauthorizedAccessException or IOException => new("file_error", Trim(e.Message)),
        OperationCanceledException => new("interrupted", "interrupted"),
        _ => new("invalid_input", Trim(e.Message)),
    };

    private static Failure ApiProblem(CambApiException api)
    {
        var subject = api.TaskId is { } task ? $"task {task}" : api.RunId is { } run ? $"run {run.ToString(CultureInfo.InvariantCulture)}" : "the request";
        var detail = api.ServiceDetail is { } d ? $": {d}" : "";
        return api.StatusCode switch
        {
            >= 200 and < 300 => new("unreadable_answer", $"the service's answer could not be read ({Trim(api.Message.Split(": ", 2).Last())}) — try again later; if it persists, the API may have changed"),
            401 or 403 => new("unauthorized", $"the service refused the API key (HTTP {api.StatusCode}) — check --api-key or CAMB_API_KEY"),
            404 => new("not_found", $"the service does not know {subject} (HTTP 404{detail}) — check the id"),
            422 => new("rejected", $"the service rejected {subject} (HTTP 422{detail})"),
            429 => new("busy", $"the service is busy (HTTP 429) and asked to wait longer than allowed — {Resume} later"),
            >= 300 and < 400 => new("redirected", $"the service redirected (HTTP {api.StatusCode}); the key is only sent to the API host, so redirects are not followed — check --base-url"),
            >= 500 => new("service_error", $"the service failed (HTTP {api.StatusCode}{detail}) — try again later"),
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
            _ when d.StatusCode is >= 300 and < 400 => Trim(d.Message),
            _ when d.StatusCode == 403 => $"the download link was refused (HTTP 403) even after fetching fresh links for run {d.RunId}",
            _ when d.StatusCode is { } status => $"the storage host answered HTTP {status} for {Path.GetFileName(d.RedactedUrl.AbsolutePath)}",
            _ => Trim(d.Message),
        };
    }

    /// <summary>An argument message for a person: no " (Parameter 'x')", no final period (the CLI's line adds its own).</summary>
    public static string Trim(string message) => Redaction.WithoutParameterName(message).TrimEnd('.');
}
