namespace CambApi.Fleet;

/// <summary>
/// The codes and plain reasons a fleet stores for a file beside the library's (<see cref="FailureReasons"/>), in the
/// library's words: what happened and what releasing it would do, never a command — a program that shows a file adds how,
/// in its own words (camb: <c>camb fleet release HASH</c>; the dashboard: its button).
/// </summary>
internal static class FleetReasons
{
    /// <summary>The upload was cut off before a task id came back: no one can know whether it was charged.</summary>
    public const string UploadInterrupted = "upload_interrupted";

    /// <summary>The upload got an answer that does not prove no task was made: it may have been charged.</summary>
    public const string UploadUnanswered = "upload_unanswered";

    /// <summary>This worker cannot read the input every worker must be able to read.</summary>
    public const string InputUnreadable = "invalid_input";

    /// <summary>The input's bytes are not the content that was submitted (changed or replaced since): nothing was uploaded.</summary>
    public const string InputChanged = "input_changed";

    /// <summary>The upload was not sent (the fleet's own database failed first): back in line.</summary>
    public const string NotSent = "not_sent";

    public const string UploadInterruptedReason =
        "the upload was cut off (its worker stopped) before the service returned a task id: no one can know whether it was charged; " +
        "releasing it uploads it again (it may be charged twice)";

    public const string UploadUnansweredReason =
        "the upload got no answer the service could have sent only without creating a task: it may have been charged; " +
        "releasing it uploads it again (it may be charged twice)";

    /// <summary>True for a file that waits for a person because it may already have been paid for.</summary>
    public static bool MayHaveBeenCharged(string? code) => code is UploadInterrupted or UploadUnanswered;
}
