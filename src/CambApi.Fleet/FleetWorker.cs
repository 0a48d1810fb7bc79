using CambApi.Http;
using Hangfire;

namespace CambApi.Fleet;

/// <summary>
/// One worker: a Hangfire server on the fleet's job storage (<see cref="FleetJobStorage"/>) whose jobs are
/// <see cref="FleetJobs"/>, and a sweep that admits files under the fleet's limit, turns uploads whose worker died into
/// uncertain ones and re-enqueues jobs that were lost. A database that goes away is waited out (one line when it goes,
/// one when it is back); only what no wait mends — a refused login, a database emptied or laid out by a newer version, this
/// worker's key refused — stops it, through the same path as a stop: it takes no new work, hands back what it holds, lets
/// uploads in progress finish within <see cref="FleetOptions.ShutdownTimeout"/>, and says what it could not finish.
/// </summary>
internal sealed class FleetWorker(FleetStore store, JobStorage storage, FleetOptions options, Action<string> report)
{
    public async Task<FleetWorkResult> RunAsync(AudioSeparationClientOptions settings, bool untilIdle, CancellationToken stop)
    {
        var time = options.TimeProvider;
        var outage = new FleetOutage(store.Database, time, report);
        // This worker's store waits out an outage instead of failing: every step, checkpoint and sweep below.
        var worker = new FleetStore(store.Database with { Retry = FleetRetry.UntilBack(outage, time) });
        var gate = new StoreGate(worker.Gate, time);
        // The fleet's pause and limit on every attempt of every API request, below the retries and above the key.
        settings.AddPerAttemptHandler(() => new ThrottleHandler(gate, time, report));
        using var client = new AudioSeparationClient(settings); // validates: a bad key fails here, before anything is claimed
        var spool = new TaskSpool(options.SpoolFolderFor());
        using var runtime = new FleetSteps(worker, client, settings, new BackgroundJobClient(storage), gate, spool, options, report);
        using var wake = new SemaphoreSlim(0);
        runtime.RoomMayHaveChanged += () => wake.Release();
        var flush = 0;
        outage.Back += () =>
        {
            Interlocked.Exchange(ref flush, 1);
            wake.Release();
        };

        var server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            ServerName = options.WorkerName,
            WorkerCount = options.WorkerCount,
            SchedulePollingInterval = TimeSpan.FromSeconds(1), // a handed-back step's due time is honoured to the second
            Activator = new FleetJobs.Activator(runtime),
            ShutdownTimeout = options.ShutdownTimeout + TimeSpan.FromSeconds(5),
        }, storage);

        var stopped = false;
        string? fatal = null;
        FleetDatabaseException? fatalDatabase = null;
        try
        {
            await FlushSpoolAsync(runtime, spool, stop);
            while (true)
            {
                try
                {
                    if (Interlocked.Exchange(ref flush, 0) == 1)
                    {
                        await FlushSpoolAsync(runtime, spool, stop);
                    }

                    // Just back from an outage, claims get one lease to be renewed before any is declared dead.
                    await SweepAsync(worker, runtime, expire: !outage.ActiveWithin(options.Lease), stop);
                    if (runtime.Fault is { } fault)
                    {
                        fatal = fault;
                        break;
                    }

                    // An upload of this worker's own still under way counts as work, though its row may read uncertain
                    // (another worker declared it so during an outage): its answer is adopted when it comes.
                    if (untilIdle && runtime.UploadsInProgress == 0 && await worker.Monitor.UnfinishedAsync(stop) == 0)
                    {
                        break;
                    }
                }
                catch (FleetDatabaseException e) when (FleetRetry.IsFatal(e))
                {
                    fatalDatabase = e; // thrown once the stop below is done, for the caller's one line
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException && e is not OutOfMemoryException)
                {
                    // Nothing is lost by a sweep that failed: the rows are as they were. Say it, and sweep again.
                    report($"the sweep failed ({FailureReasons.Plain(e.Message)}); trying again in {options.SweepInterval.TotalSeconds:0.#} s");
                }

                await wake.WaitAsync(options.SweepInterval, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            stopped = true;
        }

        // Stop: nothing new; polls and downloads cancelled and handed back; uploads may finish within the grace period.
        await runtime.BeginStopAsync();
        runtime.HandOnPending();
        server.SendStop();
        var graceEnds = time.GetUtcNow() + options.ShutdownTimeout;
        while (runtime.UploadsInProgress > 0 && time.GetUtcNow() < graceEnds)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, CancellationToken.None); // the stop is under way: wait out the grace
        }

        await runtime.HardStopAsync();
        using (var waitForServer = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await server.WaitForShutdownAsync(waitForServer.Token);
                await runtime.RunningOwnStepsAsync().WaitAsync(waitForServer.Token);
            }
            catch (OperationCanceledException)
            {
                // a step still waiting for the database: abandoned below; its task id, if it had one, stays in the spool
            }
        }

        await runtime.AbandonAsync();
        server.Dispose();
        long? unfinished;
        try
        {
            unfinished = fatalDatabase is null ? await store.Monitor.UnfinishedAsync(CancellationToken.None) : null;
        }
        catch (FleetDatabaseException)
        {
            unfinished = null; // the database is away: the count is unknown, and the line says so
        }

        if (fatalDatabase is not null)
        {
            throw fatalDatabase;
        }

        return new FleetWorkResult(stopped, runtime.FinishedDuringStop, runtime.HandedBack, runtime.CutOff, unfinished) { Fault = fatal };
    }

    private async Task SweepAsync(FleetStore worker, FleetSteps runtime, bool expire, CancellationToken stop)
    {
        if (expire)
        {
            foreach (var file in await worker.Files.ExpireUploadsAsync(stop))
            {
                report($"{file.FileName}: uncertain — {FleetReasons.UploadInterruptedReason}");
            }
        }

        foreach (var file in await worker.Files.TakeOverdueAsync(options.OverdueAfterFor(worker.Database), 500, stop))
        {
            runtime.Enqueue(file); // its step was lost (a worker died, or an in-memory queue went with its process)
        }

        if (runtime.Fault is null)
        {
            foreach (var file in await worker.Files.AdmitAsync(stop))
            {
                runtime.Enqueue(file);
            }
        }

        if (CambFleetTelemetry.Observing)
        {
            // Only when someone listens: one status read a sweep (a few ms at a million rows) for the observed gauges.
            CambFleetTelemetry.Observe(worker.Database.Namespace, await worker.Monitor.StatusAsync(stop));
        }
    }

    /// <summary>Task ids kept beside this machine's workers while the database could not take them: into the rows now.</summary>
    private async Task FlushSpoolAsync(FleetSteps runtime, TaskSpool spool, CancellationToken stop)
    {
        foreach (var task in spool.Pending())
        {
            stop.ThrowIfCancellationRequested();
            var name = (await runtime.Store.Monitor.GetAsync(task.Sha256, stop))?.FileName ?? task.Sha256[..12];
            if (await runtime.CheckpointTaskAsync(task, name, audioSeconds: null))
            {
                report($"{name}: task {task.TaskId}, kept beside the worker while the database was away, is in the fleet's rows now");
            }
        }
    }
}
