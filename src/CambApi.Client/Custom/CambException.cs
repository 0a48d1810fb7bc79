namespace CambApi;

/// <summary>
/// The base of every failure the CambApi libraries raise (the Azure SDK's <c>RequestFailedException</c> is the model):
/// catch this one type to handle them all. Each carries what a caller needs to act — the HTTP status and the service's
/// own explanation where there was an answer, the task and run it concerned once known, and whether trying again could
/// help — and never the API key or a presigned URL's query.
/// </summary>
/// <remarks>
/// Lives in the generated client's assembly (namespace <c>CambApi</c>, as Azure.Core's base lives in <c>Azure</c>) because
/// the generated client's own <see cref="Client.CambApiException"/> derives from it. A caller's cancellation is never one
/// of these: it stays an <see cref="OperationCanceledException"/>.
/// </remarks>
public abstract class CambException : Exception
{
    /// <param name="message">What happened, for a log: no key, no URL query.</param>
    /// <param name="statusCode">The HTTP status answered, if an answer arrived.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    protected CambException(string message, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
    }

    /// <summary>The HTTP status the API or the storage host answered; null when no answer arrived.</summary>
    public int? StatusCode { get; }

    /// <summary>The service's own explanation (FastAPI's <c>detail</c>, a task's <c>message</c>) where it gave one.</summary>
    public virtual string? ServiceDetail => null;

    /// <summary>The request id the service answered with (an <c>x-request-id</c> header), for a support ticket.</summary>
    public virtual string? RequestId => null;

    /// <summary>True when the same call, tried again later, may succeed (a dropped connection, a 503, a busy service).</summary>
    public abstract bool IsTransient { get; }

    /// <summary>The task the failure concerns, once one was started.</summary>
    public string? TaskId { get; private set; }

    /// <summary>The run the failure concerns, once the service gave one: its results can be fetched again by this id.</summary>
    public long? RunId { get; private set; }

    /// <summary>The W3C <c>traceparent</c> sent with the failed request, when the caller had an activity.</summary>
    public string? Traceparent { get; private set; }

    /// <summary>
    /// Records the task, run and trace the failure belongs to (first value wins). Always returns false, so it runs as an
    /// exception filter (<c>catch (CambException e) when (e.Annotate(...))</c>) and the original stack is kept.
    /// </summary>
    internal bool Annotate(string? taskId = null, long? runId = null, string? traceparent = null)
    {
        TaskId ??= taskId;
        RunId ??= runId;
        Traceparent ??= traceparent;
        return false;
    }
}
