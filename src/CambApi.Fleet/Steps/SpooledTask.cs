namespace CambApi.Fleet;

/// <summary>A task id the vendor returned for a file's attempt, not yet in the rows.</summary>
internal sealed record SpooledTask(string Sha256, long Attempt, string TaskId);
