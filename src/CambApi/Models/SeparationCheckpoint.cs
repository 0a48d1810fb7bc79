namespace CambApi;

/// <summary>
/// Where a separation has got to: the task its upload created and, once processing is done, the run it produced. Store it
/// and pass it to <see cref="AudioSeparationClient.FinishSeparationAsync(SeparationCheckpoint, string, SeparateFileOptions?, CancellationToken)"/>
/// to finish later without uploading again (a known task is waited for; a known run is only downloaded).
/// </summary>
/// <param name="TaskId">The task the upload created; null for a run started elsewhere.</param>
/// <param name="RunId">The run, once processing finished.</param>
public sealed record SeparationCheckpoint(string? TaskId, long? RunId = null);
