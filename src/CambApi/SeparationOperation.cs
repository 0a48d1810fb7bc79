using System.Globalization;
using System.Net;
using CambApi.Client;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CambApi;

/// <summary>
/// A separation task on the service: poll it, wait for it, or keep its <see cref="TaskId"/> and resume it later
/// with <see cref="AudioSeparationClient.ResumeSeparation"/>.
/// </summary>
/// <remarks>Public members are virtual for mocking; <see cref="CambApiModelFactory.SeparationOperation"/> makes one in a given state.</remarks>
public partial class SeparationOperation
{
    private readonly IOperationHost _host;

    // Whether a wait has read any status, and what the last refused status request was answered with: a timeout says
    // "the service kept refusing" rather than name a status it never read.
    private bool _statusRead;
    private int? _lastRefusal;

    /// <summary>For mocking frameworks and <see cref="CambApiModelFactory"/>: an operation bound to no client.</summary>
    protected SeparationOperation()
    {
        _host = null!;
        TaskId = string.Empty;
    }

    internal SeparationOperation(IOperationHost host, string taskId)
    {
        _host = host;
        TaskId = taskId;
    }

    /// <summary>The task id the service returned; store it to resume.</summary>
    public virtual string TaskId { get; }

    /// <summary>The last status read (PENDING until the first update).</summary>
    public virtual SeparationStatus Status { get; private set; } = SeparationStatus.Pending;

    /// <summary>The run id, once the service has given one (on SUCCESS).</summary>
    public virtual long? RunId { get; private set; }

    /// <summary>The service's <c>exception_reason</c> for a failed task.</summary>
    public virtual string? ExceptionReason { get; private set; }

    /// <summary>The service's <c>message</c>, as text.</summary>
    public virtual string? ServiceMessage { get; private set; }

    /// <summary>True once the status is terminal (SUCCESS, ERROR, TIMEOUT, PAYMENT_REQUIRED).</summary>
    public virtual bool HasCompleted => Status.IsTerminal;

    /// <summary>Reads the task's status once.</summary>
    public virtual async Task<SeparationStatus> UpdateStatusAsync(CancellationToken cancellationToken = default)
    {
        OrchestratorPipelineResult result;
        using var activity = CambApiTelemetry.Start("camb.poll", TaskId);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            result = await _host.GetStatusAsync(TaskId, cancellationToken).ConfigureAwait(false);
        }
        catch (CambException e) when (e.Annotate(taskId: TaskId, runId: RunId))
        {
            throw; // unreachable: Annotate only records the task and returns false
        }
        catch (Exception e) when (AudioSeparationClient.Failed(activity, "status", started, e))
        {
            throw; // unreachable: Failed records the failure and returns false
        }

        CambApiTelemetry.RecordOperation("status", started, error: null);
        SpecDrift.Promises(_host.Logger, "status", result);
        if (result.HasAdditionalProperties)
        {
            SpecDrift.Fields(_host.Logger, "status", result.AdditionalProperties.Keys);
        }

        if (!result.Status.IsKnown && result.Status.Value.Length > 0) // a status left out is a broken promise, named above
        {
            SpecDrift.Status(_host.Logger, "status", result.Status.Value);
        }

        activity?.SetTag("camb.status", result.Status.Value);
        activity?.SetTag("camb.run_id", result.RunId);

        Status = result.Status;
        RunId = result.RunId ?? RunId;
        ExceptionReason = result.ExceptionReason;
        ServiceMessage = result.Message switch
        {
            null => null,
            string text => text,
            JToken token => token.Type == JTokenType.String ? token.Value<string>() : token.ToString(Formatting.None),
            var other => Convert.ToString(other, CultureInfo.InvariantCulture),
        };
        return Status;
    }

    /// <inheritdoc cref="WaitForCompletionAsync(IProgress{SeparationProgress}?, CancellationToken)"/>
    public virtual Task<SeparationResult> WaitForCompletionAsync(CancellationToken cancellationToken = default) =>
        WaitForCompletionAsync(progress: null, cancellationToken);

    /// <summary>
    /// Polls until the task ends, waiting <see cref="AudioSeparationClientOptions.PollInitialInterval"/> plus
    /// <see cref="AudioSeparationClientOptions.PollElapsedFraction"/> of the time waited so far between polls (at most
    /// <see cref="AudioSeparationClientOptions.PollMaxInterval"/>), honouring a 429/503 <c>Retry-After</c>, then fetches
    /// the result by run id.
    /// </summary>
    /// <remarks>
    /// <see cref="AudioSeparationClientOptions.MaxWait"/> bounds the whole wait, a status request in flight included:
    /// at the deadline that request is abandoned, whatever its own per-attempt timeout and retries would allow.
    /// </remarks>
    /// <exception cref="SeparationFailedException">ERROR, TIMEOUT or PAYMENT_REQUIRED.</exception>
    /// <exception cref="SeparationTimeoutException">Still running at <see cref="AudioSeparationClientOptions.MaxWait"/>; resumable.</exception>
    public virtual async Task<SeparationResult> WaitForCompletionAsync(IProgress<SeparationProgress>? progress, CancellationToken cancellationToken = default)
    {
        var options = _host.Options;
        var time = options.TimeProvider;
        var started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(options.MaxWait, time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var activity = CambApiTelemetry.Start("camb.wait", TaskId);
        try
        {
            var result = await PollAsync(progress, started, waiting.Token, cancellationToken).ConfigureAwait(false);
            Waited(activity, "success", null);
            return result;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var timeout = new SeparationTimeoutException(TaskId, Status, time.GetElapsedTime(started), _statusRead ? null : _lastRefusal);
            Waited(activity, "timeout", timeout);
            throw timeout;
        }
        catch (Exception e)
        {
            Waited(activity, e switch
            {
                SeparationFailedException => "failed",
                SeparationTimeoutException => "timeout",
                OperationCanceledException => "cancelled",
                _ => "error",
            }, e);
            throw;
        }

        void Waited(System.Diagnostics.Activity? span, string outcome, Exception? error)
        {
            span?.SetTag("camb.status", Status.Value);
            span?.SetTag("camb.run_id", RunId);
            span?.SetTag("camb.outcome", outcome);
            if (error is not null)
            {
                CambApiTelemetry.Fail(span, error);
            }

            CambApiTelemetry.RecordSeparation(time.GetElapsedTime(started), outcome);
        }
    }

    /// <summary>The poll loop. <paramref name="waiting"/> is cancelled by the caller or at the deadline and bounds the
    /// polling; <paramref name="caller"/> is the caller's own token, for the result fetch once the task has ended.</summary>
    private async Task<SeparationResult> PollAsync(IProgress<SeparationProgress>? progress, long started, CancellationToken waiting, CancellationToken caller)
    {
        var options = _host.Options;
        var time = options.TimeProvider;
        SeparationStatus? previous = null;

        while (true)
        {
            TimeSpan? serverDelay = null;
            try
            {
                await UpdateStatusAsync(waiting).ConfigureAwait(false);
                _statusRead = true;
            }
            catch (CambApiException e) when (e.StatusCode is (int)HttpStatusCode.TooManyRequests or (int)HttpStatusCode.ServiceUnavailable &&
                                             Http.RetryAfter.From(e.Headers, time.GetUtcNow()) is { } wait)
            {
                serverDelay = wait; // the retry policy gave up; the service said when to come back, so wait and poll on
                _lastRefusal = e.StatusCode;
            }

            var elapsed = time.GetElapsedTime(started);
            var changed = serverDelay is null && previous != Status;
            previous = Status;
            if (HasCompleted && serverDelay is null)
            {
                progress?.Report(new SeparationProgress(TaskId, Status, changed, elapsed, null));
                LogFinished(_host.Logger, TaskId, Status.Value, elapsed.TotalSeconds);
                return await CompleteAsync(caller).ConfigureAwait(false);
            }

            var delay = PollSchedule.Of(options).Next(elapsed, serverDelay);
            if (elapsed + delay > options.MaxWait)
            {
                throw new SeparationTimeoutException(TaskId, Status, elapsed, _statusRead ? null : _lastRefusal);
            }

            progress?.Report(new SeparationProgress(TaskId, Status, changed, elapsed, delay));
            LogPoll(_host.Logger, TaskId, Status.Value, delay.TotalSeconds);
            await Task.Delay(delay, time, waiting).ConfigureAwait(false);
        }
    }

    private async Task<SeparationResult> CompleteAsync(CancellationToken cancellationToken)
    {
        if (Status != SeparationStatus.Success)
        {
            throw new SeparationFailedException(TaskId, Status, ExceptionReason, ServiceMessage);
        }

        if (RunId is not { } runId)
        {
            throw new SeparationFailedException(TaskId, Status, "NO_RUN_ID", "The service reported SUCCESS without a run id.");
        }

        try
        {
            return await _host.GetResultAsync(runId, cancellationToken).ConfigureAwait(false);
        }
        catch (CambException e) when (e.Annotate(taskId: TaskId))
        {
            throw; // unreachable: Annotate only records the task and returns false
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "Task {TaskId} is {Status}; next poll in {DelaySeconds:0.#} s")]
    private static partial void LogPoll(ILogger logger, string taskId, string status, double delaySeconds);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Task {TaskId} ended {Status} after {ElapsedSeconds:0.#} s")]
    private static partial void LogFinished(ILogger logger, string taskId, string status, double elapsedSeconds);
}
