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
        : base($"Separation task {taskId} was still {lastStatus} after {waited.TotalSeconds:0} s; resume it later with its task id.")
    {
        Annotate(taskId);
        LastStatus = lastStatus;
        Waited = waited;
    }

    /// <summary>The last status read before giving up.</summary>
    public SeparationStatus LastStatus { get; }

    /// <summary>How long the task was waited for.</summary>
    public TimeSpan Waited { get; }

    /// <summary>Always: the task goes on; resume it later by its task id.</summary>
    public override bool IsTransient => true;
}
