namespace CambApi;

/// <summary>
/// A track could not be downloaded completely, after resuming and, for an expired URL, fetching fresh URLs for the same
/// run. Nothing was left at the destination; the run's results can be downloaded again by <see cref="CambException.RunId"/>.
/// </summary>
public sealed class SeparationDownloadException : CambException
{
    /// <summary>A track could not be fetched from <paramref name="redactedUrl"/>.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="redactedUrl">The URL without its query (no signature).</param>
    /// <param name="statusCode">The storage host's HTTP status, if it answered.</param>
    /// <param name="inner">The cause.</param>
    /// <param name="isTransient">Whether trying again later may help.</param>
    public SeparationDownloadException(string message, Uri redactedUrl, int? statusCode = null, Exception? inner = null, bool isTransient = true)
        : base(message, statusCode, inner)
    {
        RedactedUrl = redactedUrl;
        IsTransient = isTransient;
    }

    /// <summary>The URL without its query (presigned signatures are credentials).</summary>
    public Uri RedactedUrl { get; }

    /// <summary>Whether trying again later may help (a storage 5xx or a network failure).</summary>
    public override bool IsTransient { get; }
}
