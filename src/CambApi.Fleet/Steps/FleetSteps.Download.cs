using CambApi.Client;

namespace CambApi.Fleet;

/// <summary>A ready file's two tracks, through the library's workflow from the run's checkpoint: no upload, whole files or none.</summary>
internal sealed partial class FleetSteps
{
    /// <summary>How long a download waits after a failure that may pass (the service or storage busy, a full disk).</summary>
    private static readonly TimeSpan AfterDownloadFailed = TimeSpan.FromSeconds(10);

    private async Task DownloadAsync(FleetFile ready, CancellationToken cancellationToken)
    {
        await _transfers.WaitAsync(cancellationToken);
        try
        {
            if (await _store.Files.ClaimDownloadAsync(ready.Sha256, Owner, _options.Lease, cancellationToken) is not { } claimed)
            {
                return; // another worker's claim is alive
            }

            var download = DownloadClaimedAsync(claimed, cancellationToken);
            await Task.WhenAll(download, RenewWhileAsync(claimed, download));
        }
        finally
        {
            _transfers.Release();
        }
    }

    private async Task DownloadClaimedAsync(FleetFile claimed, CancellationToken cancellationToken)
    {
        // Tracks an earlier attempt of ours wrote (recorded as each landed) may be replaced; anything else in the folder may not.
        var ours = new HashSet<string>(new[] { claimed.Foreground, claimed.Background }.OfType<string>(), StringComparer.Ordinal);
        var recorded = new List<Task>();
        var options = new SeparateFileOptions
        {
            OutputName = claimed.OutputName,
            MayReplace = ours.Contains,
            // The library calls this on its own flow, one track at a time. The row must hold each path before any later step
            // can need it (the hand-back or the end below), so the writes are awaited there — never by blocking this callback,
            // which would hold a thread while the database is slow.
            TrackWritten = written => recorded.Add(_store.Files.RecordTrackAsync(claimed.Sha256, written.Track, written.Path, _abandon.Token)),
        };
        try
        {
            SeparatedFiles files;
            try
            {
                files = await _client.FinishSeparationAsync(new SeparationCheckpoint(claimed.TaskId, claimed.RunId), claimed.OutDir, options, cancellationToken);
            }
            finally
            {
                await Task.WhenAll(recorded);
            }

            await _store.Files.MarkDoneAsync(claimed.Sha256, Owner, _abandon.Token);
            Report(claimed, $"done: {files.ForegroundPath}, {files.BackgroundPath}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _store.Files.HandBackAsync(claimed.Sha256, Owner, TimeSpan.Zero, _abandon.Token); // another worker downloads it; nothing half-written stays
            Interlocked.Increment(ref HandedBack);
            throw;
        }
        catch (SeparationOutputExistsException e)
        {
            await _store.Files.MarkFailedAsync(claimed.Sha256, FleetFileState.Ready, FailureReasons.OutputExists,
                $"{e.Path} already exists and was not written by this fleet for this file — move it away, then release it (run {claimed.RunId} is downloaded, not uploaded again)",
                _abandon.Token);
            Report(claimed, $"{e.Path} already exists and was not written by this fleet for this file; failed (nothing uploaded again)");
        }
        catch (CambApiException e) when (e.StatusCode is 401 or 403)
        {
            await HandBackAsync(claimed, AfterDownloadFailed);
            Faulted($"this worker's API key was refused (HTTP {e.StatusCode}): it stops, and its files go to the other workers — check the key this machine is given");
        }
        catch (Exception e) when (e is CambException { IsTransient: true } or IOException or UnauthorizedAccessException)
        {
            await HandBackAsync(claimed, AfterDownloadFailed);
            Report(claimed, $"download failed for now ({FailureReasons.Plain(e.Message)}); it will be tried again in {AfterDownloadFailed.TotalSeconds:0} s");
        }
    }

    private async Task HandBackAsync(FleetFile claimed, TimeSpan after)
    {
        if (await _store.Files.HandBackAsync(claimed.Sha256, Owner, after, _abandon.Token) is { } due)
        {
            ScheduleOwn(claimed, due, after);
        }
    }
}
