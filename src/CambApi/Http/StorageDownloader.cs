using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace CambApi.Http;

/// <summary>
/// Streams a presigned storage URL to disk so that the destination holds a whole file or nothing: into a temporary
/// file beside it, then renamed into place. A body cut off mid-way (reset, short body, stall) is resumed with an HTTP
/// <c>Range</c> request guarded by <c>If-Range</c> (the ETag, else Last-Modified), so the bytes already here are kept
/// only if the object is unchanged; an expired URL (403) is answered by fresh URLs for the same run.
/// </summary>
/// <remarks>
/// Hand-written rather than a library's: no served package resumes an <see cref="HttpClient"/> download by Range, and the
/// storage pipeline's retry policy (Polly) covers only the exchange up to the response headers — a body is read later,
/// outside it.
/// </remarks>
internal sealed partial class StorageDownloader(HttpClient storage, ILogger logger, AudioSeparationClientOptions options)
{
    /// <summary>Fresh URLs asked for per track: one expiry is normal, a second means the new ones are refused too.</summary>
    internal const int MaxUrlRefreshes = 2;


    private const int MaxRedirects = 5;

    /// <remarks>
    /// <c>refreshUrl</c> gives a fresh URL for the same object after a 403 (null: fail on the first 403); <c>progress</c>
    /// gets the bytes written so far and the size once known (back to 0 if the object had to be fetched anew).
    /// </remarks>
    public async Task<long> DownloadAsync(Uri url, string destinationPath, bool overwrite, Func<CancellationToken, Task<Uri>>? refreshUrl,
        Action<long, long?>? progress, CancellationToken cancellationToken)
    {
        // The first URL was checked where the result entered the download (AudioSeparationClient); refreshed ones below.
        var directory = Path.GetDirectoryName(destinationPath)!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(destinationPath)}.{Guid.NewGuid():N}.part");
        try
        {
            var transfer = new Transfer();
            // Plain (synchronous) writes: on Linux an "async" FileStream only emulates async on the thread pool.
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
            await using (file.ConfigureAwait(false))
            {
                var refreshes = 0;
                var attemptsWithoutProgress = 0;
                while (true)
                {
                    var before = transfer.Written;
                    try
                    {
                        if (await AttemptAsync(url, file, transfer, progress, cancellationToken).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                    catch (UrlExpiredException) when (refreshUrl is not null && refreshes < MaxUrlRefreshes)
                    {
                        refreshes++;
                        LogRefreshing(logger, Redaction.Url(url));
                        url = await refreshUrl(cancellationToken).ConfigureAwait(false);
                        RequireSafeUrl(url);
                        continue;
                    }
                    catch (UrlExpiredException e)
                    {
                        throw new SeparationDownloadException(
                            $"Downloading {Redaction.Url(url)} was refused (HTTP 403): the link has expired or is not valid.", Redact(url), 403, e, isTransient: false);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                    {
                        // The body broke off: resume from the bytes kept, as long as each try brings some.
                        attemptsWithoutProgress = transfer.Written > before ? 0 : attemptsWithoutProgress + 1;
                        if (attemptsWithoutProgress > options.MaxRetries)
                        {
                            throw new SeparationDownloadException(
                                $"Downloading {Redaction.Url(url)} kept breaking off at {transfer.Written} of {transfer.Total?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} bytes.",
                                Redact(url), inner: e);
                        }

                        LogResuming(logger, Redaction.Url(url), transfer.Written, e.Message);
                        continue;
                    }

                    // Ended cleanly but short of the size the host announced: ask for the rest.
                    attemptsWithoutProgress = transfer.Written > before ? 0 : attemptsWithoutProgress + 1;
                    if (attemptsWithoutProgress > options.MaxRetries)
                    {
                        throw new SeparationDownloadException(
                            $"Downloading {Redaction.Url(url)} stopped at {transfer.Written} of {transfer.Total} bytes.", Redact(url));
                    }
                }
            }

            try
            {
                File.Move(temp, destinationPath, overwrite);
            }
            catch (IOException) when (!overwrite && File.Exists(destinationPath))
            {
                throw new SeparationOutputExistsException(destinationPath, appearedMeanwhile: true);
            }

            if (logger.IsEnabled(LogLevel.Information))
            {
                LogDownloaded(logger, Redaction.Url(url), transfer.Written, destinationPath);
            }

            return transfer.Written;
        }
        catch (CambException e) when (e is CambConnectionException or CambRequestTimeoutException)
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

    /// <summary>One request: the whole object, or the rest of it. True when the file is complete.</summary>
    private async Task<bool> AttemptAsync(Uri url, FileStream file, Transfer transfer, Action<long, long?>? progress, CancellationToken cancellationToken)
    {
        using var response = await SendFollowingRedirectsAsync(url, transfer, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new UrlExpiredException();
        }

        if (response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange is { From: { } from } range && from == transfer.Written &&
            (transfer.Total is null || range.Length is null || range.Length == transfer.Total))
        {
            transfer.Total = range.Length ?? transfer.Total;
        }
        else if (response.StatusCode == HttpStatusCode.OK)
        {
            // The whole object: the first answer, or the host ignored the Range or found the object changed (If-Range).
            Restart(file, transfer, progress);
            transfer.Total = response.Content.Headers.ContentLength;
            transfer.ETag = response.Headers.ETag;
            transfer.LastModified = response.Content.Headers.LastModified;
        }
        else if (response.StatusCode is HttpStatusCode.PartialContent or HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // A range that does not continue what we have: start over, without a Range.
            Restart(file, transfer, progress);
            throw new IOException($"the host answered {(int)response.StatusCode} to a resume; starting over");
        }
        else
        {
            var status = (int)response.StatusCode;
            throw new SeparationDownloadException($"Downloading {Redaction.Url(url)} failed with HTTP {status}.", Redact(url), status, isTransient: status >= 500);
        }

        // No byte for a whole attempt timeout is a stall: give up on this connection and resume on a new one.
        using var idle = new CancellationTokenSource(options.AttemptTimeout, options.TimeProvider);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        var buffer = TransferBuffers.Rent();
        var throttle = new ProgressThrottle(transfer.Total);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(reading.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(0, TransferBuffers.Size), reading.Token).ConfigureAwait(false)) > 0)
                {
                    idle.CancelAfter(options.AttemptTimeout);
                    file.Write(buffer, 0, read);
                    transfer.Written += read;
                    if (progress is not null && throttle.ShouldReport(transfer.Written))
                    {
                        progress(transfer.Written, transfer.Total);
                    }
                }
            }
        }
        catch (OperationCanceledException e) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"no data for {options.AttemptTimeout.TotalSeconds:0.#} s", e);
        }
        finally
        {
            TransferBuffers.Return(buffer);
            if (progress is not null && throttle.Unreported is { } unreported)
            {
                progress(unreported, transfer.Total); // where a broken-off attempt stopped, or the end of a body of unknown size
            }
        }

        file.Flush();
        if (transfer.Total is { } total && transfer.Written > total)
        {
            Restart(file, transfer, progress);
            throw new IOException("the host sent more than the announced size; starting over");
        }

        return transfer.Total is not { } expected || transfer.Written == expected;
    }

    /// <summary>
    /// Sends the GET (with the resume headers), following up to <see cref="MaxRedirects"/> redirects itself: each target is
    /// checked like the first URL (https, or http on loopback), which the framework's automatic redirects would not do.
    /// </summary>
    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(Uri url, Transfer transfer, CancellationToken cancellationToken)
    {
        for (var hops = 0; ; hops++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (transfer.Written > 0)
            {
                request.Headers.Range = new RangeHeaderValue(transfer.Written, null);
                request.Headers.IfRange = transfer.ETag is { IsWeak: false } etag ? new RangeConditionHeaderValue(etag)
                    : transfer.LastModified is { } modified ? new RangeConditionHeaderValue(modified) : null;
            }

            var response = await storage.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is not { } location)
            {
                return response;
            }

            response.Dispose();
            var next = new Uri(url, location);
            if (UnsafeUrlReason(next) is { } unsafeTarget)
            {
                throw new SeparationDownloadException($"The storage host redirected {Redaction.Url(url)} elsewhere: {unsafeTarget}", Redact(url), (int)response.StatusCode, isTransient: false);
            }

            if (hops >= MaxRedirects)
            {
                throw new SeparationDownloadException($"Downloading {Redaction.Url(url)} was redirected more than {MaxRedirects} times.", Redact(url), (int)response.StatusCode, isTransient: false);
            }

            url = next;
        }
    }

    private static void Restart(FileStream file, Transfer transfer, Action<long, long?>? progress)
    {
        if (transfer.Written > 0)
        {
            file.SetLength(0);
            file.Position = 0;
            transfer.Written = 0;
            progress?.Invoke(0, transfer.Total);
        }

        transfer.ETag = null;
        transfer.LastModified = null;
    }

    /// <summary>https only, except a loopback address (a local simulator or test server).</summary>
    internal static void RequireSafeUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (UnsafeUrlReason(url) is { } reason)
        {
            throw new ArgumentException(reason, nameof(url));
        }
    }

    private static string? UnsafeUrlReason(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            return $"The download URL '{Redaction.Url(url)}' is not absolute.";
        }

        var loopback = url.IsLoopback || (IPAddress.TryParse(url.Host, out var ip) && IPAddress.IsLoopback(ip));
        return url.Scheme != Uri.UriSchemeHttps && !(url.Scheme == Uri.UriSchemeHttp && loopback)
            ? $"refusing to download {Redaction.Url(url)}: storage URLs must be https (http only on loopback)."
            : null;
    }

    private static Uri Redact(Uri url) => Redaction.UrlWithoutQuery(url)!; // storage URLs are checked absolute before any request

    /// <summary>What one track's transfer knows across attempts.</summary>
    private sealed class Transfer
    {
        public long Written { get; set; }

        public long? Total { get; set; }

        public EntityTagHeaderValue? ETag { get; set; }

        public DateTimeOffset? LastModified { get; set; }
    }

    /// <summary>A 403 from storage: for a presigned URL, nearly always its expiry.</summary>
    private sealed class UrlExpiredException : Exception;

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Downloaded {Url} ({Bytes} bytes) to {Path}")]
    private static partial void LogDownloaded(ILogger logger, string url, long bytes, string path);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Download of {Url} broke off at {Bytes} bytes ({Reason}); resuming")]
    private static partial void LogResuming(ILogger logger, string url, long bytes, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Storage refused {Url} (HTTP 403, expired?); fetching fresh URLs for the run")]
    private static partial void LogRefreshing(ILogger logger, string url);
}
