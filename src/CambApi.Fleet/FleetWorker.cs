using Hangfire;

namespace CambApi.Fleet;

/// <summary>
/// One worker: a Hangfire server on the fleet's job storage (<see cref="FleetJobStorage"/>) whose jobs are
/// <see cref="FleetJobs"/>, and a sweep that admits files under the fleet's limit, turns uploads whose worker died into
/// uncertain ones and re-enqueues jobs that were lost. On a stop it takes no new work, hands back what it holds, lets
/// uploads in progress finish within <see cref="FleetOptions.ShutdownTimeout"/>, and says what it could not finish.
/// </summary>
internal sealed class FleetWorker(FleetStore store, JobStorage storage, FleetOptions options, Action<string> report)
{
    public async Task<FleetWorkResult> RunAsync(AudioSeparationClient client, AudioSeparationClientOptions schedule, bool untilIdle, CancellationToken stop)
    {
        using var runtime = new FleetSteps(store, client, schedule, new BackgroundJobClient(storage), options, report);
        var server = new BackgroundJobServer(new BackgroundJobServerOptions
        {
            ServerName = options.WorkerName,
            WorkerCount = options.WorkerCount,
            SchedulePollingInterval = TimeSpan.FromSeconds(1), // a poll's due time is honoured to the second
            Activator = new FleetJobs.Activator(runtime),
            ShutdownTimeout = options.ShutdownTimeout + TimeSpan.FromSeconds(5),
        }, storage);

        using var wake = new SemaphoreSlim(0);
        runtime.RoomMayHaveChanged += () => wake.Release();
        var stopped = false;
        long unfinished;
        try
        {
            while (true)
            {
                await SweepAsync(runtime, stop);
                unfinished = await store.Monitor.UnfinishedAsync(CancellationToken.None);
                if (untilIdle && unfinished == 0)
                {
                    break;
                }

                try
                {
                    await wake.WaitAsync(options.SweepInterval, stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    stopped = true;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            stopped = true;
        }

        // Stop: nothing new; polls and downloads cancelled and handed back; uploads may finish within the grace period.
        await runtime.BeginStopAsync();
        server.SendStop();
        var graceEnds = options.TimeProvider.GetUtcNow() + options.ShutdownTimeout;
        while (runtime.UploadsInProgress > 0 && options.TimeProvider.GetUtcNow() < graceEnds)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), options.TimeProvider, CancellationToken.None); // the stop is under way: wait out the grace
        }

        await runtime.HardStopAsync();
        using (var waitForServer = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await server.WaitForShutdownAsync(waitForServer.Token);
            }
            catch (OperationCanceledException)
            {
                // a job that ignored its token: the process ends anyway, and the row decides what happens to its file
            }
        }

        server.Dispose();
        unfinished = await store.Monitor.UnfinishedAsync(CancellationToken.None);
        return new FleetWorkResult(stopped, runtime.FinishedDuringStop, runtime.HandedBack, runtime.CutOff, unfinished);
    }

    private async Task SweepAsync(FleetSteps runtime, CancellationToken stop)
    {
        foreach (var file in await store.Files.ExpireUploadsAsync(stop))
        {
            report($"{file.FileName}: uncertain — {FleetReasons.UploadInterruptedReason}");
        }

        foreach (var file in await store.Files.TakeOverdueAsync(options.OverdueAfterFor(store.Database), 500, stop))
        {
            runtime.Enqueue(file); // its job was lost (a worker died, or an in-memory queue went with its process)
        }

        foreach (var file in await store.Files.AdmitAsync(stop))
        {
            runtime.Enqueue(file);
        }
    }
}
