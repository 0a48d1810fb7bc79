using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace CambApi.Fleet;

/// <summary>What a worker did, for its last line and its exit code.</summary>
/// <param name="Stopped">True when a stop (SIGTERM, Ctrl+C) ended it; false when there was nothing left to do.</param>
/// <param name="FinishedDuringStop">Uploads that finished in the grace period (their task ids saved).</param>
/// <param name="HandedBack">Downloads given back for another worker.</param>
/// <param name="CutOff">Uploads the grace period did not cover (those files are uncertain).</param>
/// <param name="Unfinished">Files fleet-wide not yet done, failed or uncertain when it ended.</param>
public sealed record FleetWorkResult(bool Stopped, int FinishedDuringStop, int HandedBack, int CutOff, long Unfinished);

/// <summary>
/// One worker: a Hangfire server (PostgreSQL storage for a fleet, in-memory for the embedded store) whose jobs are
/// <see cref="FleetJobs"/>, and a sweep that admits files under the fleet's limit, turns uploads whose worker died into
/// uncertain ones and re-enqueues jobs that were lost. On a stop it takes no new work, hands back what it holds, lets
/// uploads in progress finish within <see cref="FleetOptions.ShutdownTimeout"/>, and says what it could not finish.
/// </summary>
internal sealed class FleetWorker(FleetStore store, FleetOptions options, Action<string> report)
{
    public async Task<FleetWorkResult> RunAsync(AudioSeparationClient client, AudioSeparationClientOptions schedule, bool untilIdle, CancellationToken stop)
    {
        var storage = CreateStorage();
        using var disposeStorage = storage as IDisposable; // the in-memory storage is; PostgreSQL's holds no resources of its own
        using var runtime = new FleetRuntime(store, client, schedule, new BackgroundJobClient(storage), options, report);
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
                unfinished = await store.UnfinishedAsync(CancellationToken.None);
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
        unfinished = await store.UnfinishedAsync(CancellationToken.None);
        return new FleetWorkResult(stopped, runtime.FinishedDuringStop, runtime.HandedBack, runtime.CutOff, unfinished);
    }

    private async Task SweepAsync(FleetRuntime runtime, CancellationToken stop)
    {
        foreach (var file in await store.ExpireUploadsAsync(stop))
        {
            report($"{file.FileName}: uncertain — {FleetMessages.UploadInterrupted}");
        }

        foreach (var file in await store.TakeOverdueAsync(options.OverdueAfter, 500, stop))
        {
            runtime.Enqueue(file); // its job was lost (a worker died, or an in-memory queue went with its process)
        }

        foreach (var file in await store.AdmitAsync(stop))
        {
            runtime.Enqueue(file);
        }
    }

    private JobStorage CreateStorage()
    {
        if (!store.Database.IsPostgres)
        {
            // One machine: the jobs live with this process; the rows outlive it, and the next worker re-enqueues them.
            return new InMemoryStorage(new InMemoryStorageOptions { MaxExpirationTime = ShortLivedJobAttribute.Keep });
        }

        var postgres = new PostgreSqlStorageOptions
        {
            SchemaName = "camb_hangfire",
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = options.QueuePollInterval,
            // Kept alive while its worker lives; a dead worker's job is fetched again after this (the sweep may be first).
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromMinutes(2),
            AllowDegradedModeWithoutStorage = false, // the database was checked already; a failure now is one to see
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(store.Database.ConnectionString, postgres, null), postgres);
    }
}
