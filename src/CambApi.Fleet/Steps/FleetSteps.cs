using Hangfire;

namespace CambApi.Fleet;

/// <summary>
/// One worker's steps — upload, one status read, the download — each reentrant: it reads the file's row, acts only in the
/// state it expects, writes the checkpoint with a conditional update, and schedules the next step. The row decides; the
/// job (<see cref="FleetJobs"/>) is only how the step gets here.
/// </summary>
/// <remarks>
/// The steps use the library's own calls — <c>StartSeparationAsync</c> (the upload), <c>ResumeSeparation(taskId)</c> (one
/// status read), <c>FinishSeparationAsync</c> from the run's checkpoint (the download, whole or nothing) — and store each
/// checkpoint the moment the call returns, which is where the library's <c>CheckpointReached</c> fires for a whole
/// separation; a whole separation in one job would hold a worker for the length of the task.
/// </remarks>
internal sealed partial class FleetSteps(
    FleetStore store,
    AudioSeparationClient client,
    AudioSeparationClientOptions schedule,
    IBackgroundJobClient jobs,
    FleetOptions options,
    Action<string> report) : IDisposable
{
    private readonly SemaphoreSlim _transfers = new(options.MaxTransfers);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _hardStop = new();
    private int _uploadsInProgress;

    public FleetStore Store => store;

    public string Owner => options.WorkerName;

    /// <summary>Set when this worker begins to stop: no new upload or download starts.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public int UploadsInProgress => Volatile.Read(ref _uploadsInProgress);

    /// <summary>Counts of what the stop did, for its one line.</summary>
    public int FinishedDuringStop;
    public int HandedBack;
    public int CutOff;

    /// <summary>Fired after a step that may have freed room at the vendor, so admission need not wait for the next sweep.</summary>
    public event Action? RoomMayHaveChanged;

    public async Task StepAsync(string sha256, long? due, CancellationToken jobToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(jobToken, _stopping.Token);
        var file = await store.Monitor.GetAsync(sha256, linked.Token);
        switch (file?.State)
        {
            case FleetFileState.Admitted:
                await UploadAsync(file, linked.Token);
                break;
            case FleetFileState.Uploading when file.LeaseUntil < store.Now:
                await store.Files.ExpireUploadsAsync(linked.Token);
                break;
            case FleetFileState.Processing:
                await PollAsync(file, due, linked.Token);
                break;
            case FleetFileState.Ready:
                await DownloadAsync(file, linked.Token);
                break;
            default:
                break; // done, failed, uncertain, new, or another worker's upload: nothing for this step
        }
    }

    /// <summary>Begins stopping: no new step starts; polls and downloads are cancelled and handed back; uploads go on.</summary>
    public Task BeginStopAsync() => _stopping.CancelAsync();

    /// <summary>The grace period is over: uploads still running are cut off (and become uncertain).</summary>
    public Task HardStopAsync() => _hardStop.CancelAsync();

    // ----- scheduling -----

    public void Enqueue(FleetFile file) => jobs.Enqueue<FleetJobs>(j => j.StepAsync(file.Sha256, file.FileName, file.NextStepAt, CancellationToken.None));

    private void ScheduleAt(FleetFile file, long at)
    {
        var delay = TimeSpan.FromMilliseconds(Math.Max(0, at - store.Now));
        if (delay <= TimeSpan.FromMilliseconds(50))
        {
            jobs.Enqueue<FleetJobs>(j => j.StepAsync(file.Sha256, file.FileName, at, CancellationToken.None));
        }
        else
        {
            jobs.Schedule<FleetJobs>(j => j.StepAsync(file.Sha256, file.FileName, at, CancellationToken.None), delay);
        }
    }

    /// <summary>Keeps a claim alive while a step runs (a dead worker's lapses after <see cref="FleetOptions.Lease"/>).</summary>
    private async Task RenewWhileAsync(FleetFile claimed, Task step)
    {
        var every = options.Lease / 3;
        while (await Task.WhenAny(step, Task.Delay(every, options.TimeProvider)) != step)
        {
            await store.Files.RenewLeaseAsync(claimed.Sha256, claimed.Attempt, Owner, options.Lease, CancellationToken.None);
        }
    }

    private void Report(FleetFile file, string what) => report($"{file.FileName}: {what}");

    public void Dispose()
    {
        _transfers.Dispose();
        _stopping.Dispose();
        _hardStop.Dispose();
    }
}
