using System.Net;
using Microsoft.Extensions.Logging;

namespace CambApi.Http;

/// <summary>
/// Streams a presigned storage URL to disk: through a temporary file in the destination folder, checked
/// against Content-Length, then renamed into place, so the destination holds a whole file or nothing.
/// </summary>
internal sealed partial class StorageDownloader(HttpClient storage, ILogger logger)
{
    public async Task<long> DownloadAsync(Uri url, string destinationPath, IProgress<long>? bytesProgress, CancellationToken cancellationToken)
    {
        RequireSafeUrl(url);
        var directory = Path.GetDirectoryName(destinationPath)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(destinationPath)}.{Guid.NewGuid():N}.part");
        try
        {
            using var response = await storage.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new SeparationDownloadException(
                    $"Downloading {Redaction.Url(url)} failed with HTTP {(int)response.StatusCode}.", Redact(url), (int)response.StatusCode);
            }

            var expected = response.Content.Headers.ContentLength;
            long written = 0;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    written += read;
                    bytesProgress?.Report(written);
                }
            }

            if (expected is { } length && length != written)
            {
                throw new SeparationDownloadException(
                    $"Downloading {Redaction.Url(url)} stopped at {written} of {length} bytes.", Redact(url));
            }

            File.Move(temp, destinationPath, overwrite: true);
            if (logger.IsEnabled(LogLevel.Information))
            {
                LogDownloaded(logger, Redaction.Url(url), written, destinationPath);
            }
            return written;
        }
        catch (Exception e) when (e is HttpRequestException or CambRequestTimeoutException or IOException and not SeparationDownloadException)
        {
            throw new SeparationDownloadException($"Downloading {Redaction.Url(url)} failed: {e.Message}", Redact(url), inner: e);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>https only, except a loopback address (a local simulator or test server).</summary>
    internal static void RequireSafeUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri)
        {
            throw new ArgumentException($"The download URL '{Redaction.Url(url)}' is not absolute.", nameof(url));
        }

        var loopback = url.IsLoopback || (IPAddress.TryParse(url.Host, out var ip) && IPAddress.IsLoopback(ip));
        if (url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && loopback))
        {
            throw new ArgumentException($"Refusing to download {Redaction.Url(url)}: storage URLs must be https (http only on loopback).", nameof(url));
        }
    }

    private static Uri Redact(Uri url) => new(Redaction.Url(url));

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Downloaded {Url} ({Bytes} bytes) to {Path}")]
    private static partial void LogDownloaded(ILogger logger, string url, long bytes, string path);
}
