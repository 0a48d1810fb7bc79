using System.Globalization;
using System.Text.RegularExpressions;

namespace CambApi;

/// <summary>
/// Durations as people write them (the CLI's options, the simulator's scenario files; here, in the library both load, so
/// the CLI needs no simulator to read its options): a number with its unit (<c>90s</c>, <c>10m</c>, <c>2h</c>, <c>500ms</c>) or
/// <c>hh:mm:ss</c>. A bare number is refused: "5" could be seconds, minutes or (as TimeSpan reads it) days.
/// </summary>
internal static partial class Durations
{
    public static bool TryParse(string text, out TimeSpan value, out string? error)
    {
        value = default;
        error = null;
        if (WithUnit().Match(text.Trim()) is { Success: true } m)
        {
            var number = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            value = m.Groups["unit"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromHours(number),
            };
        }
        else if (text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var clock))
        {
            value = clock;
        }
        else
        {
            error = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? $"'{text}' has no unit; write it as 90s, 10m or 2h."
                : $"'{text}' is not a duration; write it as 90s, 10m, 2h or hh:mm:ss.";
            return false;
        }

        if (value <= TimeSpan.Zero)
        {
            error = $"'{text}' must be longer than zero.";
            return false;
        }

        return true;
    }

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<unit>ms|s|m|h)$")]
    private static partial Regex WithUnit();
}
