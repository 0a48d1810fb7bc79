namespace CambApi;

/// <summary>
/// One report of a whole separation (<see cref="AudioSeparationClient.SeparateFileAsync(string, string, SeparateFileOptions?, CancellationToken)"/>):
/// the step, and that step's detail — bytes while uploading or downloading, the status while processing.
/// </summary>
/// <param name="Step">The step the report is about.</param>
/// <param name="Transfer">Bytes so far (and the total once known) while <see cref="SeparationStep.Uploading"/> or <see cref="SeparationStep.Downloading"/>.</param>
/// <param name="Status">The status just read while <see cref="SeparationStep.Processing"/>.</param>
public sealed record SeparateFileProgress(SeparationStep Step, TransferProgress? Transfer = null, SeparationProgress? Status = null);
