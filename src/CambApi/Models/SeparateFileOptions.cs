namespace CambApi;

/// <summary>What a separation from one input to two files may do besides the defaults.</summary>
public sealed record SeparateFileOptions
{
    /// <summary>
    /// Replace tracks already in the folder. Without it, a track there before the call fails it before anything is sent,
    /// and one that appears while the service works fails it before the download, with <see cref="SeparationOutputExistsException"/>;
    /// the file is not touched.
    /// </summary>
    public bool Overwrite { get; init; }

    /// <summary>Files the caller may replace without <see cref="Overwrite"/>, because it wrote them itself earlier (a journal's record).</summary>
    public Func<string, bool>? MayReplace { get; init; }

    /// <summary>
    /// The stem of the two file names (<c>{stem}.foreground.wav</c>); by default the input's name without its extension, or
    /// for a separation finished from a checkpoint <see cref="AudioSeparationClient.OutputNameFor(SeparationCheckpoint)"/>.
    /// </summary>
    public string? OutputName { get; init; }

    /// <summary>Fields of the create request (project, folder); its <c>UploadProgress</c> is reported too.</summary>
    public SeparationStartOptions? Start { get; init; }

    /// <summary>Upload bytes, each status while the service works, download bytes — one type for the whole way.</summary>
    public IProgress<SeparateFileProgress>? Progress { get; init; }

    /// <summary>
    /// Called, on the calling flow, as each paid-for step completes: the upload (task id), then processing (run id). A caller
    /// that stores the checkpoint can finish after a crash without uploading or waiting again.
    /// </summary>
    public Action<SeparationCheckpoint>? CheckpointReached { get; init; }

    /// <summary>Called as each track lands whole at its final path — which track, where, how many bytes — never two calls at once.</summary>
    public Action<WrittenTrack>? TrackWritten { get; init; }
}
