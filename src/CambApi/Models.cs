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
