namespace CambApi;

/// <summary>Where the two tracks of a finished run can be downloaded (presigned storage URLs).</summary>
/// <param name="RunId">The run the task produced; the key for results.</param>
/// <param name="ForegroundUrl">Speech, vocals or lead.</param>
/// <param name="BackgroundUrl">Everything else.</param>
public sealed record SeparationResult(long RunId, Uri ForegroundUrl, Uri BackgroundUrl)
{
    /// <summary>Never prints the URLs' queries (their signatures).</summary>
    public override string ToString() =>
        $"Run {RunId}: foreground {Redaction.Url(ForegroundUrl)}, background {Redaction.Url(BackgroundUrl)}";
}

/// <summary>The two files a separation wrote.</summary>
public sealed record SeparatedFiles(string ForegroundPath, string BackgroundPath, SeparationResult Result);

/// <summary>Bytes moved so far, and the total once the size is known.</summary>
public readonly record struct TransferProgress(long Bytes, long? TotalBytes);

/// <summary>Optional fields of the create request.</summary>
public sealed record SeparationStartOptions
{
    /// <summary>The vendor's <c>project_name</c>: a name for the task in CAMB.AI's studio.</summary>
    public string? ProjectName { get; init; }

    /// <summary>The vendor's <c>project_description</c>.</summary>
    public string? ProjectDescription { get; init; }

    /// <summary>The vendor's <c>folder_id</c>: the studio folder the task is filed in.</summary>
    public long? FolderId { get; init; }

    /// <summary>Bytes of the file sent so far (restarts from 0 if the upload is retried).</summary>
    public IProgress<long>? UploadProgress { get; init; }
}

/// <summary>What a waiting operation reports: each status it sees, and when it will look again.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="Status">The status just read.</param>
/// <param name="Changed">True when this status differs from the previous one.</param>
/// <param name="Elapsed">Time since waiting began.</param>
/// <param name="NextPollIn">The wait before the next poll; null when the status is terminal.</param>
public sealed record SeparationProgress(string TaskId, CambApi.Client.SeparationStatus Status, bool Changed, TimeSpan Elapsed, TimeSpan? NextPollIn);

/// <summary>The three steps of a separation, in order.</summary>
public enum SeparationStep
{
    /// <summary>The input is being sent; <see cref="SeparateFileProgress.Transfer"/> has the bytes.</summary>
    Uploading,

    /// <summary>The service is working; <see cref="SeparateFileProgress.Status"/> has each status read.</summary>
    Processing,

    /// <summary>Both tracks are being fetched; <see cref="SeparateFileProgress.Transfer"/> has their bytes together.</summary>
    Downloading,
}

/// <summary>
/// One report of a whole separation (<see cref="AudioSeparationClient.SeparateFileAsync(string, string, SeparateFileOptions?, CancellationToken)"/>):
/// the step, and that step's detail — bytes while uploading or downloading, the status while processing.
/// </summary>
/// <param name="Step">The step the report is about.</param>
/// <param name="Transfer">Bytes so far (and the total once known) while <see cref="SeparationStep.Uploading"/> or <see cref="SeparationStep.Downloading"/>.</param>
/// <param name="Status">The status just read while <see cref="SeparationStep.Processing"/>.</param>
public sealed record SeparateFileProgress(SeparationStep Step, TransferProgress? Transfer = null, SeparationProgress? Status = null);

/// <summary>
/// Where a separation has got to: the task its upload created and, once processing is done, the run it produced. Store it
/// and pass it to <see cref="AudioSeparationClient.FinishSeparationAsync(SeparationCheckpoint, string, SeparateFileOptions?, CancellationToken)"/>
/// to finish later without uploading again (a known task is waited for; a known run is only downloaded).
/// </summary>
/// <param name="TaskId">The task the upload created; null for a run started elsewhere.</param>
/// <param name="RunId">The run, once processing finished.</param>
public sealed record SeparationCheckpoint(string? TaskId, long? RunId = null);

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

    /// <summary>Called as each track lands whole at its final path (never two calls at once), before the other may have.</summary>
    public Action<string>? TrackWritten { get; init; }
}

/// <summary>Reports on the caller's thread: <see cref="Progress{T}"/> would post to the pool and reorder reports.</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>The one place URLs and messages are made safe to show (the library's logs and errors, and the CLI's output).</summary>
internal static class Redaction
{
    /// <summary>scheme://host[:port]/path: a presigned URL's query is a credential and is never logged.</summary>
    public static string Url(Uri? uri) =>
        uri is null ? "(none)" : uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Path) : uri.OriginalString.Split('?', 2)[0];

    /// <summary>The same, as a <see cref="Uri"/> for an exception's property; null for a missing or relative one.</summary>
    public static Uri? UrlWithoutQuery(Uri? uri) => uri is { IsAbsoluteUri: true } ? new Uri(uri.GetLeftPart(UriPartial.Path)) : null;

    /// <summary>.NET appends " (Parameter 'x')" to argument messages; a person reading one does not need it.</summary>
    public static string WithoutParameterName(string message) => message.Split(" (Parameter", 2)[0];
}
