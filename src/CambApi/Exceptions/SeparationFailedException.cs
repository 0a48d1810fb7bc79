namespace CambApi;

/// <summary>The service finished the task without a result: ERROR, TIMEOUT or PAYMENT_REQUIRED.</summary>
public sealed class SeparationFailedException : CambException
{
    /// <summary>Task <paramref name="taskId"/> ended with <paramref name="status"/>.</summary>
    /// <param name="taskId">The task.</param>
    /// <param name="status">Its final status (ERROR, TIMEOUT, PAYMENT_REQUIRED, or one this version does not know).</param>
    /// <param name="exceptionReason">The service's <c>exception_reason</c>.</param>
    /// <param name="serviceMessage">The service's <c>message</c>, as text.</param>
    public SeparationFailedException(string taskId, SeparationStatus status, string? exceptionReason, string? serviceMessage)
        : base($"Separation task {taskId} ended with {status}" +
               (exceptionReason is null ? "" : $" ({exceptionReason})") +
               (serviceMessage is null ? "." : $": {serviceMessage}"))
    {
        Annotate(taskId);
        Status = status;
        ExceptionReason = exceptionReason;
        ServiceMessage = serviceMessage;
    }

    /// <summary>The terminal status (<see cref="SeparationStatus.Error"/>, <see cref="SeparationStatus.Timeout"/>, ...).</summary>
    public SeparationStatus Status { get; }

    /// <summary>The service's <c>exception_reason</c>, e.g. <c>SOURCE_TYPE_NOT_SUPPORTED</c>; open-ended.</summary>
    public string? ExceptionReason { get; }

    /// <summary>The service's <c>message</c>, as text (a JSON object is kept as its JSON).</summary>
    public string? ServiceMessage { get; }

    /// <summary>The service's <c>message</c> for the task.</summary>
    public override string? ServiceDetail => ServiceMessage;

    /// <summary>Only the service's own TIMEOUT may pass on a new task; ERROR and PAYMENT_REQUIRED will not.</summary>
    public override bool IsTransient => Status == SeparationStatus.Timeout;
}
