using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CambApi.Fleet;

/// <summary>A fleet worker for the host's lifetime, on the application's own <see cref="AudioSeparationClient"/> (its AddCambApi settings).</summary>
internal sealed partial class CambFleetWorkerService(IServiceProvider services, CambFleetConnection connection, ILogger<CambFleetWorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var fleet = await connection.GetAsync(stoppingToken);
        var client = services.GetRequiredService<AudioSeparationClient>();
        var schedule = services.GetRequiredService<IOptions<AudioSeparationClientOptions>>().Value;
        var result = await new FleetWorker(connection.Store, fleet.JobStorage, fleet.Options, line => LogLine(logger, line)).RunAsync(client, schedule, untilIdle: false, stoppingToken);
        LogStopped(logger, result.FinishedDuringStop, result.HandedBack, result.CutOff, result.Unfinished);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Line}")]
    private static partial void LogLine(ILogger logger, string line);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Fleet worker stopped: {Finished} upload(s) finished during the stop, {HandedBack} download(s) handed back, {CutOff} upload(s) cut off (uncertain), {Unfinished} file(s) left")]
    private static partial void LogStopped(ILogger logger, int finished, int handedBack, int cutOff, long unfinished);
}
