using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CambApi.Http;

/// <summary>
/// An HTTP status or content type the spec does not describe goes to <see cref="SpecDrift"/>. The statuses the spec
/// documents come from the generated client (read from openapi/ at build time); the others below are the service's and
/// its gateway's known undocumented answers (the vendor's facts), handled as API errors and not reported. Called by <see cref="ResponseBufferingHandler"/> on each
/// attempt's answer rather than from a handler of its own: an async handler costs a state machine per call, and this
/// must cost nothing but two comparisons when nothing drifts.
/// </summary>
internal static class UndocumentedAnswers
{
    private static readonly HashSet<int> Known =
    [
        .. CambApiRestClient.SpecDocumentedStatuses.Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 0),
        400, 401, 403, 404, 405, 408, 413, 429, 500, 502, 503, 504,
    ];

    public static void Inspect(HttpRequestMessage request, HttpResponseMessage response, ILogger logger)
    {
        var status = (int)response.StatusCode;
        if (!Known.Contains(status) && status is < 300 or >= 400) // a redirect is refused with its own message (the key stays home)
        {
            SpecDrift.Seen(logger, Operation(request), SpecDrift.HttpStatus, status.ToString(CultureInfo.InvariantCulture));
        }
        else if (status < 500 && response.Content.Headers.ContentType?.MediaType is { } type && type != "application/json")
        {
            // 5xx pages from proxies are often HTML: not the vendor's API drifting.
            SpecDrift.Seen(logger, Operation(request), SpecDrift.ContentType, $"{type} ({status.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    /// <summary>The operation's short name, as the telemetry names it.</summary>
    private static string Operation(HttpRequestMessage request)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        return path.Contains("/audio-separation-results", StringComparison.Ordinal) ? "results"
            : path.Contains("/audio-separation-result/", StringComparison.Ordinal) ? "result"
            : path.Contains("/audio-separation/", StringComparison.Ordinal) ? "status"
            : path.EndsWith("/audio-separation", StringComparison.Ordinal) ? "create"
            : "api";
    }
}
