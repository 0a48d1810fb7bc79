using System.Globalization;

namespace CambApi.Benchmarks;

/// <summary>
/// Polling over task lengths, on the clock of the schedule itself (no waiting): requests made and how late the end is
/// seen, for the vendor tutorial's fixed 2-s poll and for the library's schedule (<see cref="PollSchedule"/>,
/// the function the operation waits by; tests/CambApi.Tests drives the operation itself on fake time).
/// </summary>
public static class PollingMeasures
{
    public static readonly TimeSpan[] TaskLengths = new[] { 5, 10, 30, 60, 120, 600, 1800 }.Select(s => TimeSpan.FromSeconds(s)).ToArray();

    public static string Report()
    {
        var options = new AudioSeparationClientOptions();
        var lines = new List<string> { "polling: task length | fixed 2 s: requests, seen late | library: requests, seen late | target (late <= 2 s + 10 %, 10 min <= 45 requests) | met" };
        foreach (var length in TaskLengths)
        {
            var (fixedPolls, fixedLate) = Polls(length, _ => TimeSpan.FromSeconds(2));
            var (polls, late) = Polls(length, elapsed => PollSchedule.Of(options).After(elapsed));
            var allowed = TimeSpan.FromSeconds(2) + (length * 0.1);
            var met = late <= allowed && (length != TimeSpan.FromMinutes(10) || polls <= 45);
            var target = string.Create(CultureInfo.InvariantCulture, $"<= {allowed.TotalSeconds:0.0} s late{(length == TimeSpan.FromMinutes(10) ? ", <= 45 requests" : "")}");
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"polling: {length.TotalSeconds,6:0} s      | {fixedPolls,5} requests, {fixedLate.TotalSeconds,5:0.0} s late | {polls,5} requests, {late.TotalSeconds,5:0.0} s late  | {target,-50} | {(met ? "yes" : "NO")}"));
        }

        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Polls from 0 (the first is immediate) until the first at or after the task's end.</summary>
    private static (int Requests, TimeSpan Late) Polls(TimeSpan taskLength, Func<TimeSpan, TimeSpan> delayAfter)
    {
        var (at, requests) = (TimeSpan.Zero, 1);
        while (at < taskLength)
        {
            at += delayAfter(at);
            requests++;
        }

        return (requests, at - taskLength);
    }
}
