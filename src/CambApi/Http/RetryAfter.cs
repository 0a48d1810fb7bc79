using System.Globalization;
using System.Net.Http.Headers;

namespace CambApi.Http;

/// <summary>
/// The one reading of <c>Retry-After</c> (RFC 9110: delay-seconds or an HTTP date) for the whole library: the resilience
/// pipeline's retries, the throttle's pause, and the operation's wait between polls.
/// </summary>
internal static class RetryAfter
{
    public const string HeaderName = "Retry-After";

    /// <summary>The wait an answer asks for, from its headers; a date in the past is no wait. Null when it asks for none.</summary>
    public static TimeSpan? From(HttpResponseHeaders headers, DateTimeOffset now) =>
        headers.TryGetValues(HeaderName, out var values) ? Parse(values.FirstOrDefault(), now) : null;

    /// <summary>The same, from the headers a <see cref="CambApi.Client.CambApiException"/> kept.</summary>
    public static TimeSpan? From(IReadOnlyDictionary<string, IEnumerable<string>> headers, DateTimeOffset now) =>
        headers.TryGetValue(HeaderName, out var values) ? Parse(values.FirstOrDefault(), now) : null;

    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, (long)TimeSpan.MaxValue.TotalSeconds / 2));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date - now is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero
            : null;
    }
}
