namespace CambApi;

/// <summary>
/// Builds what a fake <see cref="AudioSeparationClient"/> returns in a consumer's unit test: results, downloaded files,
/// operations in a chosen state and the service's errors. Nothing here talks to a service (the Azure SDK's
/// <c>ModelFactory</c> pattern).
/// </summary>
public static class CambApiModelFactory
{
    /// <summary>A finished run's result; the URLs default to placeholders under <c>https://storage.invalid/</c>.</summary>
    public static SeparationResult SeparationResult(long runId = 1, Uri? foregroundUrl = null, Uri? backgroundUrl = null) =>
        new(runId, foregroundUrl ?? Placeholder(runId, "foreground"), backgroundUrl ?? Placeholder(runId, "background"));

    /// <summary>The two files a separation wrote.</summary>
    public static SeparatedFiles SeparatedFiles(string foregroundPath, string backgroundPath, SeparationResult? result = null) =>
        new(foregroundPath, backgroundPath, result ?? SeparationResult());

    /// <summary>
    /// An operation frozen in one state. <see cref="CambApi.SeparationOperation.UpdateStatusAsync"/> returns
    /// <paramref name="status"/>; <c>WaitForCompletionAsync</c> returns <paramref name="result"/> for SUCCESS, throws
    /// <see cref="SeparationFailedException"/> for a failure status, and <see cref="SeparationTimeoutException"/> for a
    /// task still running (a frozen task never ends).
    /// </summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="status">Defaults to SUCCESS when <paramref name="result"/> is given, else PENDING.</param>
    /// <param name="result">The result of a successful task; a placeholder when the status is SUCCESS and none is given.</param>
    /// <param name="exceptionReason">The service's <c>exception_reason</c> of a failed task.</param>
    /// <param name="serviceMessage">The service's <c>message</c>.</param>
    public static SeparationOperation SeparationOperation(string taskId, Client.SeparationStatus? status = null, SeparationResult? result = null,
        string? exceptionReason = null, string? serviceMessage = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        var state = status ?? (result is null ? Client.SeparationStatus.Pending : Client.SeparationStatus.Success);
        if (state == Client.SeparationStatus.Success)
        {
            result ??= SeparationResult();
        }

        return new FrozenSeparationOperation(taskId, state, result, exceptionReason, serviceMessage);
    }

    /// <summary>An error answer of the service, as the client throws it (e.g. 401, 422 with FastAPI's body, 503).</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="responseBody">The body, e.g. <c>{"detail": "Invalid API key"}</c>; its <c>detail</c> becomes <see cref="CambException.ServiceDetail"/>.</param>
    public static Client.CambApiException ApiError(int statusCode, string? responseBody = null) =>
        new("The service rejected the request", statusCode, responseBody, new Dictionary<string, IEnumerable<string>>(), null);

    private static Uri Placeholder(long runId, string track) => new($"https://storage.invalid/{runId}/{track}.wav");

    private sealed class FrozenSeparationOperation(string taskId, Client.SeparationStatus status, SeparationResult? result, string? exceptionReason, string? serviceMessage)
        : SeparationOperation
    {
        public override string TaskId => taskId;

        public override Client.SeparationStatus Status => status;

        public override long? RunId => result?.RunId;

        public override string? ExceptionReason => exceptionReason;

        public override string? ServiceMessage => serviceMessage;

        public override bool HasCompleted => status.IsTerminal;

        public override Task<Client.SeparationStatus> UpdateStatusAsync(CancellationToken cancellationToken = default) =>
            cancellationToken.IsCancellationRequested ? Task.FromCanceled<Client.SeparationStatus>(cancellationToken) : Task.FromResult(status);

        public override Task<SeparationResult> WaitForCompletionAsync(CancellationToken cancellationToken = default) =>
            WaitForCompletionAsync(progress: null, cancellationToken);

        public override Task<SeparationResult> WaitForCompletionAsync(IProgress<SeparationProgress>? progress, CancellationToken cancellationToken = default)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return Task.FromCanceled<SeparationResult>(cancellationToken);
            }

            progress?.Report(new SeparationProgress(taskId, status, Changed: true, TimeSpan.Zero, NextPollIn: null));
            return status == Client.SeparationStatus.Success ? Task.FromResult(result!)
                : status.IsTerminal ? Task.FromException<SeparationResult>(new SeparationFailedException(taskId, status, exceptionReason, serviceMessage))
                : Task.FromException<SeparationResult>(new SeparationTimeoutException(taskId, status, TimeSpan.Zero));
        }
    }
}
