using Hangfire;

namespace CambApi.Fleet;

/// <summary>
/// One worker's steps — upload, one status read, the download — each reentrant: it reads the file's row, acts only in the
/// state it expects, writes the checkpoint with a conditional update, and schedules the next step. The row decides; the
/// job (<see cref="FleetJobs"/>) or this worker's own timer (<see cref="PendingSteps"/>) is only how the step gets here.
/// Every time is the database's: a step is scheduled "this long from now", never at a time read from this machine's clock.
/// </summary>
/// <remarks>
/// The steps use the library's own calls — <c>StartSeparationAsync</c> (the upload), <c>ResumeSeparation(taskId)</c> (one
/// status read), <c>FinishSeparationAsync</c> from the run's checkpoint (the download, whole or nothing) — and store each
/// checkpoint the moment the call returns, which is where the library's <c>CheckpointReached</c> fires for a whole
/// separation; a whole separation in one job would hold a worker for the length of the task.
/// </remarks>
internal sealed partial class FleetSteps : IDisposable
{
    /// <summary>How long the learned processing rate serves this worker before it is read again.</summary>
    private static readonly TimeSpan RateFresh = TimeSpan.FromSeconds(10);

    private readonly FleetStore _store;
    private readonly AudioSeparationClient _client;
    private readonly AudioSeparationClientOptions _schedule;
    private readonly IBackgroundJobClient _jobs;
    private readonly FleetOptions _options;
    private readonly StoreGate _gate;
    private readonly TaskSpool _spool;
    private readonly Action<string> _report;
    private readonly SemaphoreSlim _transfers;
    private readonly PendingSteps _pending;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly CancellationTokenSource _abandon = new();
    private int _uploadsInProgress;
    private string? _fault;
    private (double? Rate, long ReadAt) _rate = (null, long.MinValue);

    public FleetSteps(FleetStore store, AudioSeparationClient client, AudioSeparationClientOptions schedule, IBackgroundJobClient jobs, StoreGate gate,
        TaskSpool spool, FleetOptions options, Action<string> report)
    {
        (_store, _client, _schedule, _jobs, _gate, _spool, _options, _report) = (store, client, schedule, jobs, gate, spool, options, report);
        _transfers = new SemaphoreSlim(options.MaxTransfers);
        _pending = new PendingSteps(options.TimeProvider, (sha256, due) => RunOwnStepAsync(sha256, due));
    }

    public FleetStore Store => _store;

    public string Owner => _options.WorkerName;

    /// <summary>Set when this worker begins to stop: no new upload or download starts.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public int UploadsInProgress => Volatile.Read(ref _uploadsInProgress);

    /// <summary>Why this worker can do no more (its key refused, the inputs out of its reach): it stops, and its files go to other workers.</summary>
    public string? Fault => Volatile.Read(ref _fault);

    /// <summary>Counts of what the stop did, for its one line.</summary>
    public int FinishedDuringStop;
    public int HandedBack;
    public int CutOff;

    /// <summary>Fired after a step that may have freed room at the vendor, or a fault that stops this worker: the loop looks again.</summary>
    public event Action? RoomMayHaveChanged;

    public async Task StepAsync(string sha256, long? due, CancellationToken jobToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(jobToken, _stopping.Token);
        if (await _store.Monitor.ReadAsync(sha256, linked.Token) is not { } reading)
        {
            return;
        }

        var file = reading.File;
        var step = file.State switch
        {
            FleetFileState.Admitted => "upload",
            FleetFileState.Uploading when file.LeaseUntil < reading.Now => "expire",
            FleetFileState.Processing => "poll",
            FleetFileState.Ready => "download",
            _ => null, // done, failed, uncertain, new, or another worker's upload: nothing for this step
        };
        if (step is null)
        {
            return;
        }

        using var activity = CambFleetTelemetry.StartStep(step, file);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await (step switch
            {
                "upload" => UploadAsync(file, linked.Token),
                "expire" => _store.Files.ExpireUploadsAsync(linked.Token),
                "poll" => PollAsync(reading, due, linked.Token),
                _ => DownloadAsync(file, linked.Token),
            });
            CambFleetTelemetry.EndStep(activity, step, started, error: null);
        }
        catch (Exception e)
        {
            CambFleetTelemetry.EndStep(activity, step, started, e);
            throw;
        }
    }

    /// <summary>A step this worker scheduled itself; a failure is one line, and the row stays due for the sweep.</summary>
    private async Task RunOwnStepAsync(string sha256, long? due)
    {
        try
        {
            await StepAsync(sha256, due, CancellationToken.None);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // stopping: the row keeps its due time; another worker's sweep or the hand-back takes it on
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _report($"{sha256[..12]}: a step failed ({FailureReasons.Plain(e.Message)}); it will be taken up again");
        }
    }

    /// <summary>Begins stopping: no new step starts; polls and downloads are cancelled and handed back; uploads go on.</summary>
    public Task BeginStopAsync() => _stopping.CancelAsync();

    /// <summary>The grace period is over: uploads still running are cut off (and become uncertain).</summary>
    public Task HardStopAsync() => _hardStop.CancelAsync();

    /// <summary>The worker is ending: a checkpoint still waiting for the database gives up (its task id stays in the spool).</summary>
    public Task AbandonAsync() => _abandon.CancelAsync();

    /// <summary>Steps this worker's own timers still held: handed to the engine, so any worker takes them at their time.</summary>
    public int HandOnPending()
    {
        var left = _pending.Stop();
        foreach (var pending in left)
        {
            TryEngine(j => j.Schedule<FleetJobs>(x => x.StepAsync(pending.Sha256, pending.FileName, pending.Due, CancellationToken.None),
                pending.RunsAt - _options.TimeProvider.GetUtcNow()));
        }

        return left.Count;
    }

    /// <summary>Steps waiting on this worker's own timers.</summary>
    internal int PendingOwnSteps => _pending.Count;

    /// <summary>Steps already running from this worker's timers.</summary>
    public Task RunningOwnStepsAsync() => _pending.RunningAsync();

    /// <summary>This worker can do no more: wakes the loop, which stops and gives <paramref name="why"/> as its last line.</summary>
    private void Faulted(string why)
    {
        if (Interlocked.CompareExchange(ref _fault, why, null) is null)
        {
            RoomMayHaveChanged?.Invoke();
        }
    }

    // ----- scheduling -----

    /// <summary>Hands a file to the engine (admission, the sweep): any worker runs its step.</summary>
    public void Enqueue(FleetFile file) =>
        TryEngine(j => j.Enqueue<FleetJobs>(x => x.StepAsync(file.Sha256, file.FileName, file.NextStepAt, CancellationToken.None)));

    /// <summary>This worker runs the file's next step after <paramref name="delay"/>; <paramref name="due"/> is the row's due time for it.</summary>
    private void ScheduleOwn(FleetFile file, long due, TimeSpan delay) => _pending.At(file.Sha256, file.FileName, due, delay);

    /// <summary>
    /// The engine's storage may be away with the database: the row is due either way, and another sweep re-enqueues an
    /// overdue file, so a failed hand-over loses nothing but time.
    /// </summary>
    private void TryEngine(Action<IBackgroundJobClient> hand)
    {
        try
        {
            hand(_jobs);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // left to the sweep (see above)
        }
    }

    /// <summary>Seconds of processing per second of audio, as the fleet has seen it; read again every <see cref="RateFresh"/>.</summary>
    private async Task<double?> ProcessingRateAsync()
    {
        var (rate, readAt) = _rate;
        if (readAt != long.MinValue && _options.TimeProvider.GetElapsedTime(readAt) < RateFresh)
        {
            return rate;
        }

        rate = await _store.Monitor.ProcessingRateAsync(_abandon.Token);
        _rate = (rate, _options.TimeProvider.GetTimestamp());
        return rate;
    }

    /// <summary>Keeps a claim alive while its step runs (a dead worker's lapses after <see cref="FleetOptions.Lease"/>); stops once the claim is lost.</summary>
    private async Task RenewWhileAsync(FleetFile claimed, Task step)
    {
        var every = _options.Lease / 3;
        while (await Task.WhenAny(step, Task.Delay(every, _options.TimeProvider)) != step)
        {
            try
            {
                if (!await _store.Files.RenewLeaseAsync(claimed.Sha256, claimed.Attempt, Owner, _options.Lease, _abandon.Token))
                {
                    return; // the claim was lost (expired and taken on); the step's checkpoint decides what its answer means
                }
            }
            catch (Exception e) when (e is OperationCanceledException or FleetDatabaseException)
            {
                return; // the worker is ending, or the database is gone for good: the step's own checkpoint says the rest
            }
        }
    }

    private void Report(FleetFile file, string what) => _report($"{file.FileName}: {what}");

    public void Dispose()
    {
        _pending.Dispose();
        _transfers.Dispose();
        _stopping.Dispose();
        _hardStop.Dispose();
        _abandon.Dispose();
    }
}
