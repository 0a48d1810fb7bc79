using CambApi.Http;

namespace CambApi;

// Both tracks of a finished run, in parallel, each whole or not at all (StorageDownloader does the resuming).
public partial class AudioSeparationClient
{
    /// <summary>
    /// Downloads both tracks, in parallel, into <paramref name="outputDirectory"/> as <c>{baseName}.foreground.ext</c> and
    /// <c>{baseName}.background.ext</c>. Each lands whole or not at all: a body that breaks off is resumed by Range, an
    /// expired URL is replaced by fresh ones for the same run (never a new upload).
    /// </summary>
    /// <remarks>
    /// <c>progress</c> gets the bytes of both tracks together, and their total once both sizes are known. Without
    /// <c>overwrite</c>, a file already at either destination fails the call before any request.
    /// </remarks>
    /// <exception cref="ArgumentException">A bad directory or URL; nothing is sent.</exception>
    /// <exception cref="SeparationOutputExistsException">A file at either destination, without <paramref name="overwrite"/>; nothing is sent.</exception>
    /// <exception cref="SeparationDownloadException">A track could not be fetched; a track already finished stays.</exception>
    public virtual async Task<SeparatedFiles> DownloadAsync(SeparationResult result, string outputDirectory, string baseName, IProgress<TransferProgress>? progress = null,
        bool overwrite = false, CancellationToken cancellationToken = default)
    {
        RequireSafeUrls(result); // before the folder is made: bad input changes nothing
        var folder = PreparedFolder.Prepare(outputDirectory).Path;
        // Destination check 1 of 3, before anything is sent (the workflow's own is in RunAsync; 3 is the downloader's final move).
        if (!overwrite && new[] { SeparationTrack.Foreground, SeparationTrack.Background }
                .Select(track => OutputNames.TrackPath(folder, baseName, track, UrlOf(result, track))).FirstOrDefault(File.Exists) is { } existing)
        {
            throw new SeparationOutputExistsException(existing);
        }

        return await DownloadToAsync(result, folder, baseName, progress, _ => overwrite, trackWritten: null, cancellationToken).ConfigureAwait(false);
    }

    private static Uri UrlOf(SeparationResult result, SeparationTrack track) => track == SeparationTrack.Foreground ? result.ForegroundUrl : result.BackgroundUrl;

    /// <summary>The one check of a result's URLs (https, http only on loopback), made where the result enters a download.</summary>
    private static void RequireSafeUrls(SeparationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        StorageDownloader.RequireSafeUrl(result.ForegroundUrl);
        StorageDownloader.RequireSafeUrl(result.BackgroundUrl);
    }

    /// <summary>
    /// Downloads into a directory prepared and checked by the caller (<see cref="DownloadAsync"/>, or the workflow's
    /// RunAsync): a track lands at a path a file holds only where <paramref name="mayReplace"/> allows it.
    /// </summary>
    private async Task<SeparatedFiles> DownloadToAsync(SeparationResult result, string directory, string baseName, IProgress<TransferProgress>? progress,
        Func<string, bool> mayReplace, Action<WrittenTrack>? trackWritten, CancellationToken cancellationToken)
    {
        var foreground = OutputNames.TrackPath(directory, baseName, SeparationTrack.Foreground, result.ForegroundUrl);
        var background = OutputNames.TrackPath(directory, baseName, SeparationTrack.Background, result.BackgroundUrl);
        var tracks = new TrackProgress(progress);
        using var sibling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        async Task Track(SeparationTrack track, string path)
        {
            using var activity = CambApiTelemetry.Start("camb.download", runId: result.RunId);
            activity?.SetTag("camb.track", track == SeparationTrack.Foreground ? "foreground" : "background");
            try
            {
                var bytes = await _downloader.DownloadAsync(UrlOf(result, track), path, mayReplace(path),
                    async ct => UrlOf(await GetResultAsync(result.RunId, ct).ConfigureAwait(false), track),
                    (written, total) => tracks.Report((int)track, written, total), sibling.Token).ConfigureAwait(false);
                if (trackWritten is not null)
                {
                    lock (tracks)
                    {
                        trackWritten(new WrittenTrack(track, path, bytes)); // one at a time: a caller's journal need not be thread-safe
                    }
                }

                activity?.SetTag("camb.bytes", bytes);
                CambApiTelemetry.RecordTransfer("download", bytes);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                CambApiTelemetry.Fail(activity, e);
                await sibling.CancelAsync().ConfigureAwait(false); // one track failed: the other's bytes would be wasted on a failed call
                throw;
            }
        }

        var both = new[] { Track(SeparationTrack.Foreground, foreground), Track(SeparationTrack.Background, background) };
        try
        {
            await Task.WhenAll(both).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested &&
                                both.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException) is { } first)
        {
            // The first real failure, not the sibling's cancellation it caused.
            if (first is CambException failure)
            {
                failure.Annotate(runId: result.RunId);
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        return new SeparatedFiles(foreground, background, result);
    }

    /// <summary>Sums the two tracks' bytes, reported inline (Progress&lt;T&gt; would post to the pool and reorder reports).</summary>
    private sealed class TrackProgress(IProgress<TransferProgress>? progress)
    {
        private readonly long[] _bytes = new long[2];
        private readonly long?[] _totals = new long?[2];

        public void Report(int track, long bytes, long? total)
        {
            if (progress is null)
            {
                return;
            }

            TransferProgress sum;
            lock (_bytes)
            {
                _bytes[track] = bytes;
                _totals[track] = total;
                sum = new TransferProgress(_bytes[0] + _bytes[1], _totals[0] + _totals[1]);
            }

            progress.Report(sum);
        }
    }
}
