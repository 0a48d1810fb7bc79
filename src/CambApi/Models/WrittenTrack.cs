namespace CambApi;

/// <summary>A track that landed whole at its final path (<see cref="SeparateFileOptions.TrackWritten"/>).</summary>
/// <param name="Track">Which of the two it is.</param>
/// <param name="Path">Where it is.</param>
/// <param name="Bytes">Its size.</param>
public sealed record WrittenTrack(SeparationTrack Track, string Path, long Bytes);
