namespace CambApi.Fleet;

/// <summary>
/// One input content (by SHA-256) in the fleet's checkpoint table: the source of truth for what has been paid for. The same
/// content submitted twice is one row.
/// </summary>
/// <param name="Sha256">The input's content hash (lowercase hex): the row's key.</param>
/// <param name="InputPath">Where the input was when it was submitted (every worker reads it there).</param>
/// <param name="FileName">The input's file name, for people and the upload.</param>
/// <param name="OutDir">The folder the two tracks go to (a shared mount for a fleet).</param>
/// <param name="OutputName">The stem of the two tracks' names.</param>
/// <param name="SizeBytes">The input's size.</param>
/// <param name="AudioSeconds">The recording's length when it could be read (WAV), for the learned poll schedule.</param>
/// <param name="State">Where the file is.</param>
/// <param name="Attempt">The fencing token: bumped by each claim to upload; a checkpoint is written only by the attempt that still holds.</param>
/// <param name="Owner">The worker holding the current claim, if any.</param>
/// <param name="LeaseUntil">When that claim lapses (Unix milliseconds) unless renewed.</param>
/// <param name="TaskId">The service's task, once the upload was accepted.</param>
/// <param name="RunId">The service's run, once processing finished.</param>
/// <param name="Foreground">The foreground track's path, once written.</param>
/// <param name="Background">The background track's path, once written.</param>
/// <param name="ErrorCode">Why it failed or is uncertain (a stable code).</param>
/// <param name="LastError">The one line that says what happened and what to do.</param>
/// <param name="Polls">Status requests made for it.</param>
/// <param name="SubmittedAt">Unix milliseconds.</param>
/// <param name="UploadedAt">When the upload was accepted (Unix milliseconds).</param>
/// <param name="ProcessedAt">When the run was seen done (Unix milliseconds).</param>
/// <param name="DoneAt">When both tracks were written (Unix milliseconds).</param>
/// <param name="NextStepAt">When its next job is due (Unix milliseconds): a job overdue past the grace is re-enqueued.</param>
public sealed record FleetFile(
    string Sha256,
    string InputPath,
    string FileName,
    string OutDir,
    string OutputName,
    long SizeBytes,
    double? AudioSeconds,
    FleetFileState State,
    int Attempt,
    string? Owner,
    long? LeaseUntil,
    string? TaskId,
    long? RunId,
    string? Foreground,
    string? Background,
    string? ErrorCode,
    string? LastError,
    int Polls,
    long SubmittedAt,
    long? UploadedAt,
    long? ProcessedAt,
    long? DoneAt,
    long? NextStepAt);
