namespace CambApi.Fleet;

/// <summary>A ready file's two tracks, through the library's workflow from the run's checkpoint: no upload, whole files or none.</summary>
internal sealed partial class FleetSteps
{
    private async Task DownloadAsync(FleetFile ready, CancellationToken cancellationToken)
    {
        await _transfers.WaitAsync(cancellationToken);
        try
        {
            if (await store.Files.ClaimDownloadAsync(ready.Sha256, Owner, options.Lease, cancellationToken) is not { } claimed)
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
        var options = new SeparateFileOptions
        {
            OutputName = claimed.OutputName,
            MayReplace = ours.Contains,
            // The library calls this on its own flow, one track at a time; the row must hold the path before the next step can
            // need it, so the write is awaited here rather than fired off.
            TrackWritten = written => store.Files.RecordTrackAsync(claimed.Sha256, written.Track, written.Path, CancellationToken.None).GetAwaiter().GetResult(),
        };
        try
        {
            var files = await client.FinishSeparationAsync(new SeparationCheckpoint(claimed.TaskId, claimed.RunId), claimed.OutDir, options, cancellationToken);
            await store.Files.MarkDoneAsync(claimed.Sha256, Owner, CancellationToken.None);
            Report(claimed, $"done: {files.ForegroundPath}, {files.BackgroundPath}");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await store.Files.HandBackAsync(claimed.Sha256, Owner, CancellationToken.None); // another worker downloads it; nothing half-written stays
            Interlocked.Increment(ref HandedBack);
            throw;
        }
        catch (SeparationOutputExistsException e)
        {
            await store.Files.HandBackAsync(claimed.Sha256, Owner, CancellationToken.None);
            await store.Files.MarkFailedAsync(claimed.Sha256, FleetFileState.Ready, FailureReasons.OutputExists,
                $"{e.Path} already exists and was not written by this fleet — move it away, then release it (run {claimed.RunId} is downloaded, not uploaded again)",
                CancellationToken.None);
            Report(claimed, $"{e.Path} already exists and was not written by this fleet; failed (nothing uploaded again)");
        }
        catch (CambException e) when (e.IsTransient)
        {
            await store.Files.HandBackAsync(claimed.Sha256, Owner, CancellationToken.None);
            await store.Files.PostponeAsync(claimed.Sha256, store.Now, store.Now + 10_000, CancellationToken.None);
            Report(claimed, $"download failed for now ({e.Message}); it will be tried again");
            ScheduleAt(claimed, store.Now + 10_000);
        }
    }
}
