namespace CambApi.Cli;

/// <summary>A failure as the CLI reports it: a stable code for scripts and one line for a person.</summary>
internal sealed record Failure(string Code, string Message);

/// <summary>
/// Turns every failure the library can raise into one line that says what happened and what to do next — never a stack
/// trace, a .NET type name, the key or a URL's query. What happened comes from the library's one table
/// (<see cref="FailureReasons"/>); this adds what to do, in the command line's words (its options and commands).
/// </summary>
internal static class Failures
{
    /// <summary>What the per-file work catches and reports; anything else is a bug and is let through.</summary>
    public static bool IsExpected(Exception e) => e is CambException or ArgumentException or IOException or UnauthorizedAccessException;

    public const string Resume = "run the same command again to resume (nothing is uploaded twice)";

    public static Failure Describe(Exception e)
    {
        var (code, reason) = FailureReasons.Of(e);
        return new Failure(code, e switch
        {
            SeparationTimeoutException t => t.RefusedWith is { } refused
                ? $"the service kept answering {refused} ({(refused == 429 ? "too many requests" : "unavailable")}) until --timeout ({t.Waited.TotalSeconds:0} s), so the task's status was never read; task {t.TaskId} goes on at the service — {Resume}"
                : $"still {t.LastStatus} after {t.Waited.TotalSeconds:0} s (--timeout); task {t.TaskId} goes on at the service — {Resume}",
            SeparationOutputExistsException { AppearedMeanwhile: true } o =>
                $"{o.Path} appeared while the service worked and camb did not write it; it was left as it is — pass --overwrite to replace it",
            SeparationOutputExistsException o => $"{o.Path} already exists and was not written by camb; pass --overwrite to replace it, or choose another --out",
            _ => reason + NextStep(code, e),
        });
    }

    /// <summary>What to do after each kind of failure, in the command line's words.</summary>
    private static string NextStep(string code, Exception e) => code switch
    {
        FailureReasons.PaymentRequired => " — add credit to the account, then run the command again",
        FailureReasons.TaskFailed => e is CambException { IsTransient: true } ? " — try again later" : "",
        FailureReasons.DownloadFailed => $" — {Resume}",
        FailureReasons.HostNotFound or FailureReasons.ConnectionFailed => " — check --base-url and your network",
        FailureReasons.RequestTimedOut => " — try again later, or allow longer with --request-timeout",
        FailureReasons.UnreadableAnswer => " — try again later; if it persists, the API may have changed",
        FailureReasons.Unauthorized => " — check --api-key or CAMB_API_KEY",
        FailureReasons.NotFound => " — check the id",
        FailureReasons.Busy => $" and asked to wait longer than allowed — {Resume} later",
        FailureReasons.Redirected => " — check --base-url",
        FailureReasons.ServiceError => " — try again later",
        _ => "",
    };

    /// <summary>An argument message for a person: no " (Parameter 'x')", no final period (the CLI's line adds its own).</summary>
    public static string Trim(string message) => FailureReasons.Plain(message);
}
