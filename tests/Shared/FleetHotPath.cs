using CambApi.Fleet;

namespace CambApi.Tests;

/// <summary>
/// Each statement a worker runs on its hot path, and the status read, once, against a seeded table
/// (<see cref="FleetSeed"/>): what the query-plan test checks and the benchmark times. <c>label</c> names the step about
/// to run, so a statement can be reported by what it is for.
/// </summary>
internal static class FleetHotPath
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(FleetStore store, Action<string> label)
    {
        var none = CancellationToken.None;
        var db = store.Database;
        string Any(string state) => db.ScalarAsync<string>($"SELECT sha256 FROM camb_fleet_files WHERE state = '{state}' LIMIT 1", null, none).GetAwaiter().GetResult();

        async Task<FleetFile> ClaimAdmitted()
        {
            var file = (await store.Monitor.GetAsync(Any("admitted"), none))!;
            label("claim");
            return (await store.Files.ClaimUploadAsync(file.Sha256, file.Attempt, "w2", Lease, none))!;
        }

        label("submit");
        await store.Files.SubmitAsync([new NewFile(Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), "/in/new.wav", "new.wav", "/out/new", "new-" + Guid.NewGuid().ToString("N"), 1000, 4.0)], none);
        label("admit");
        var admitted = (await store.Files.AdmitAsync(none))[0];
        label("claim");
        var claimed = (await store.Files.ClaimUploadAsync(admitted.Sha256, admitted.Attempt, "w1", Lease, none))!;
        label("renew");
        await store.Files.RenewLeaseAsync(claimed.Sha256, claimed.Attempt, "w1", Lease, none);
        label("task checkpoint");
        await store.Files.RecordTaskAsync(claimed.Sha256, claimed.Attempt, "t-new", TimeSpan.FromSeconds(5), none);
        label("gate: accepted");
        await store.Gate.AcceptedAsync(none);

        label("poll: read the row");
        var processing = (await store.Monitor.ReadAsync(Any("processing"), none))!.File;
        label("poll: record");
        await store.Files.RecordPollAsync(processing.Sha256, processing.NextStepAt, TimeSpan.FromSeconds(5), none);
        var postponed = (await store.Monitor.GetAsync(Any("processing"), none))!;
        label("poll: postpone");
        await store.Files.PostponeAsync(postponed.Sha256, postponed.NextStepAt, TimeSpan.FromSeconds(5), none);
        label("run checkpoint");
        await store.Files.RecordRunAsync(processing.Sha256, 42, none);
        label("download: claim");
        await store.Files.ClaimDownloadAsync(processing.Sha256, "w1", Lease, none);
        label("download: track");
        await store.Files.RecordTrackAsync(processing.Sha256, SeparationTrack.Foreground, "/out/x.foreground.wav", none);
        label("download: done");
        await store.Files.MarkDoneAsync(processing.Sha256, "w1", none);
        var ready = Any("ready");
        label("download: claim");
        await store.Files.ClaimDownloadAsync(ready, "w1", Lease, none);
        label("download: hand back");
        await store.Files.HandBackAsync(ready, "w1", TimeSpan.FromSeconds(10), none);
        label("failed");
        await store.Files.MarkFailedAsync(Any("processing"), FleetFileState.Processing, "task_failed", "failed", none);

        var other = await ClaimAdmitted();
        label("uncertain");
        await store.Files.MarkUncertainAsync(other.Sha256, other.Attempt, "upload_unanswered", "may be charged", none);
        var third = await ClaimAdmitted();
        label("back to the gate");
        await store.Files.ReturnToNewAsync(third.Sha256, third.Attempt, "busy", "busy", none);
        label("late answer");
        await store.Files.RecordTaskAsync(third.Sha256, third.Attempt - 1, "late", TimeSpan.Zero, none);
        label("unadmit");
        await store.Files.UnadmitAsync(Any("admitted"), none);

        label("sweep: expire");
        await store.Files.ExpireUploadsAsync(none);
        label("sweep: overdue");
        await store.Files.TakeOverdueAsync(TimeSpan.FromSeconds(30), 500, none);
        label("gate: read");
        await store.Gate.ReadAsync(none);
        label("gate: refused");
        await store.Gate.ThrottledAsync(TimeSpan.FromSeconds(1), uploadRefused: true, none);
        label("processing rate");
        await store.Monitor.ProcessingRateAsync(none);
        label("unfinished");
        await store.Monitor.UnfinishedAsync(none);
        label("status");
        await store.Monitor.StatusAsync(none);
        var uncertain = Any("uncertain");
        label("release");
        await store.Files.ReleaseAsync(uncertain[..12], none);
    }
}
