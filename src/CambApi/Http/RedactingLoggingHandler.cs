using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CambApi.Http;

/// <summary>
/// Logs every HTTP attempt with method, URL without its query, status and time. Never headers (the key) and
/// never queries (presigned signatures). Hand-written because the framework's HttpClient logging logs full
/// URIs unless configured per client, and the directly constructed client has no factory.
/// </summary>
internal sealed partial class RedactingLoggingHandler(ILogger logger, string pipeline) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        // Costless when logging is off: no timing, no redacted URL, no async frame of our own.
        logger.IsEnabled(LogLevel.Warning) ? SendLoggedAsync(request, cancellationToken) : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendLoggedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (logger.IsEnabled(LogLevel.Information))
            {
                LogResponse(logger, pipeline, request.Method.Method, Redaction.Url(request.RequestUri), (int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            return response;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            LogFailure(logger, pipeline, request.Method.Method, Redaction.Url(request.RequestUri), e.GetType().Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Pipeline} {Method} {Url} -> {Status} in {ElapsedMs:0} ms")]
    private static partial void LogResponse(ILogger logger, string pipeline, string method, string url, int status, double elapsedMs);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Pipeline} {Method} {Url} failed ({Error}) after {ElapsedMs:0} ms")]
    private static partial void LogFailure(ILogger logger, string pipeline, string method, string url, string error, double elapsedMs);
}
