using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CambApi.Fleet;

/// <summary>
/// A fleet worker for the host's lifetime, on its own client built from the app's <c>AddCambApi</c> settings. A fleet
/// fault never stops the application: a database that cannot be reached at start is tried again with backoff, an outage
/// is waited out by the worker, and what no wait mends (a refused login, a refused key) stops the worker alone, with one
/// line in the app's log.
/// </summary>
internal sealed partial class CambFleetWorkerService(
    CambFleetConnection connection,
    IOptionsFactory<AudioSeparationClientOptions> clientOptions,
    ILogger<CambFleetWorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var fleet = await connection.GetAsync(stoppingToken);
                // A fresh copy of the app's settings: the worker adds the fleet's gate to its own client, not to the app's.
                var settings = clientOptions.Create(Options.DefaultName);
                var result = await new FleetWorker(connection.Store, fleet.JobStorage, fleet.Options, line => LogLine(logger, line))
                    .RunAsync(settings, untilIdle: false, stoppingToken);
                if (result.Fault is { } fault)
                {
                    LogFault(logger, fault);
                }

                LogStopped(logger, result.FinishedDuringStop, result.HandedBack, result.CutOff, result.Unfinished);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (FleetDatabaseException e) when (e.IsTransient)
            {
                LogFault(logger, $"{e.Message}; trying again in {wait.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is FleetDatabaseException or ArgumentException)
            {
                LogFault(logger, $"the fleet worker stopped: {e.Message}; the application goes on");
                return;
            }

            try
            {
                await Task.Delay(wait, connection.Options.TimeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(60).Ticks));
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogLine(ILogger logger, string line);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Fleet worker stopped: {Finished} upload(s) finished during the stop, {HandedBack} download(s) handed back, {CutOff} upload(s) cut off (uncertain), {Unfinished} file(s) left")]
    private static partial void LogStopped(ILogger logger, int finished, int handedBack, int cutOff, long? unfinished);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "{Line}")]
    private static partial void LogFault(ILogger logger, string line);
}
