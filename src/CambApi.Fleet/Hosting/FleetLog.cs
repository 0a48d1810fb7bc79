using Microsoft.Extensions.Logging;

namespace CambApi.Fleet;

/// <summary>The fleet's log lines in an application's logging.</summary>
internal static partial class FleetLog
{
    public static void Throttled(ILogger? logger, string line)
    {
        if (logger is not null)
        {
            LogThrottled(logger, line);
        }
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Line}")]
    private static partial void LogThrottled(ILogger logger, string line);
}
