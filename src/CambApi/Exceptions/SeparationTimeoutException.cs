namespace CambApi;

/// <summary>
/// The task did not finish within <see cref="AudioSeparationClientOptions.MaxWait"/>. It may still finish:
/// resume with <see cref="AudioSeparationClient.ResumeSeparation"/> and <see cref="CambException.TaskId"/> — never upload again.
/// </summary>
public sealed class SeparationTimeoutException : CambException
{
    /// <summary>Task <paramref name="taskId"/> was still <paramref name="lastStatus"/> after <paramref name="waited"/>.</summary>
    /// <param name="taskId">The task, to resume with.</param>
    /// <param name="lastStatus">The last status read.</param>
    /// <param name="waited">How long it was waited for.</param>
    public SeparationTimeoutException(string taskId, SeparationStatus lastStatus, TimeSpan waited)
        : this(taskId, lastStatus, waited, refusedWith: null)
    {
    }

    /// <summary>
    /// The task's status could not be read in <paramref name="waited"/>: every status request was refused with
    /// <paramref name="refusedWith"/> (429, 503). Null <paramref name="refusedWith"/>: a status was read, and it was
    /// <paramref name="lastStatus"/>.
    /// </summary>
    /// <param name="taskId">The task, to resume with.</param>
    /// <param name="lastStatus">The last status read (meaningless when <paramref name="refusedWith"/> is set).</param>
    /// <param name="waited">How long it was waited for.</param>
    /// <param name="refusedWith">The HTTP status every status request was refused with, when none was read.</param>
    public SeparationTimeoutException(string taskId, SeparationStatus lastStatus, TimeSpan waited, int? refusedWith)
        : base(refusedWith is { } code
            ? $"Separation task {taskId}: the service refused every status request (HTTP {code}) for {waited.TotalSeconds:0} s, so its status was never read; resume it later with its task id."
            : $"Separation task {taskId} was still {lastStatus} after {waited.TotalSeconds:0} s; resume it later with its task id.")
    {
        Annotate(taskId);
        LastStatus = lastStatus;
        Waited = waited;
        RefusedWith = refusedWith;
    }

    /// <summary>
    /// When no status was read at all: the HTTP status every status request was refused with (429, 503). Null when a status
    /// was read (then <see cref="LastStatus"/> is it).
    /// </summary>
    public int? RefusedWith { get; }

    /// <summary>The last status read before giving up.</summary>
    public SeparationStatus LastStatus { get; }

    /// <summary>How long the task was waited for.</summary>
    public TimeSpan Waited { get; }

    /// <summary>Always: the task goes on; resume it later by its task id.</summary>
    public override bool IsTransient => true;
}
