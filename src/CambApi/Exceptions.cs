using CambApi.Client;

namespace CambApi;

/// <summary>The service finished the task without a result: ERROR, TIMEOUT or PAYMENT_REQUIRED.</summary>
public sealed class SeparationFailedException : Exception
{
    public SeparationFailedException(string taskId, TaskStatus status, string? exceptionReason, string? serviceMessage)
        : base($"Separation task {taskId} ended with {status}" +
               (exceptionReason is null ? "" : $" ({exceptionReason})") +
               (serviceMessage is null ? "." : $": {serviceMessage}"))
    {
        TaskId = taskId;
        Status = status;
        ExceptionReason = exceptionReason;
        ServiceMessage = serviceMessage;
    }

    public string TaskId { get; }

    /// <summary>The terminal status (<see cref="TaskStatus.Error"/>, <see cref="TaskStatus.Timeout"/>, ...).</summary>
    public TaskStatus Status { get; }

    /// <summary>The service's <c>exception_reason</c>, e.g. <c>SOURCE_TYPE_NOT_SUPPORTED</c>; open-ended.</summary>
    public string? ExceptionReason { get; }

    /// <summary>The service's <c>message</c>, as text (a JSON object is kept as its JSON).</summary>
    public string? ServiceMessage { get; }
}

/// <summary>
/// The task did not finish within <see cref="AudioSeparationClientOptions.MaxWait"/>. It may still finish:
/// resume with <see cref="AudioSeparationClient.ResumeSeparation"/> and <see cref="TaskId"/>.
/// </summary>
public sealed class SeparationTimeoutException : TimeoutException
{
    public SeparationTimeoutException(string taskId, TaskStatus lastStatus, TimeSpan waited)
        : base($"Separation task {taskId} was still {lastStatus} after {waited.TotalSeconds:0} s; resume it later with its task id.")
    {
        TaskId = taskId;
        LastStatus = lastStatus;
        Waited = waited;
    }

    public string TaskId { get; }

    public TaskStatus LastStatus { get; }

    public TimeSpan Waited { get; }
}

/// <summary>
/// One HTTP request got no answer within <see cref="AudioSeparationClientOptions.AttemptTimeout"/> on its last attempt
/// (after any retries the request allowed). Raised instead of the resilience library's own timeout type.
/// </summary>
public sealed class CambRequestTimeoutException : TimeoutException
{
    public CambRequestTimeoutException(string method, Uri? redactedUrl, TimeSpan attemptTimeout, Exception? inner = null)
        : base($"{method} {redactedUrl?.AbsolutePath ?? "(request)"} got no answer within {attemptTimeout.TotalSeconds:0.#} s.", inner)
    {
        Method = method;
        RedactedUrl = redactedUrl;
        AttemptTimeout = attemptTimeout;
    }

    public string Method { get; }

    /// <summary>The URL without its query (presigned signatures are credentials).</summary>
    public Uri? RedactedUrl { get; }

    /// <summary>The per-attempt limit that was reached.</summary>
    public TimeSpan AttemptTimeout { get; }
}

/// <summary>A track could not be downloaded completely; nothing was left at the destination.</summary>
public sealed class SeparationDownloadException : IOException
{
    public SeparationDownloadException(string message, Uri redactedUrl, int? statusCode = null, Exception? inner = null)
        : base(message, inner)
    {
        RedactedUrl = redactedUrl;
        StatusCode = statusCode;
    }

    /// <summary>The URL without its query (presigned signatures are credentials).</summary>
    public Uri RedactedUrl { get; }

    public int? StatusCode { get; }
}
