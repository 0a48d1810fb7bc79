namespace CambApi.Fleet;

/// <summary>
/// When to read a processing file's status next. The library's schedule (2 s plus a tenth of the time waited, at most
/// 25 s) keeps a finished task's lateness under 2 s + 10 %, at 43 requests for a 10-minute task — at fleet scale most of
/// the traffic. Once a few files have finished, the fleet knows how long processing takes per second of audio and skips the
/// polls before the predicted end: the first comes at 90 % of it, then the library's schedule again, so a task that runs
/// long (an outlier) is still noticed in time. Without a prediction (the first files, audio of unknown length) the library's
/// schedule is used throughout.
/// </summary>
internal static class PollPlan
{
    /// <summary>The share of the predicted processing time at which the first status read is made.</summary>
    internal const double FirstReadAt = 0.9;

    public static long Next(long uploadedAt, long now, double? audioSeconds, double? secondsPerAudioSecond, AudioSeparationClientOptions schedule)
    {
        var waited = TimeSpan.FromMilliseconds(Math.Max(0, now - uploadedAt));
        var interval = schedule.PollInitialInterval + (waited * schedule.PollElapsedFraction);
        var next = now + (long)Math.Min(interval.TotalMilliseconds, schedule.PollMaxInterval.TotalMilliseconds);
        if (audioSeconds is > 0 && secondsPerAudioSecond is > 0)
        {
            var predicted = uploadedAt + (long)(audioSeconds.Value * secondsPerAudioSecond.Value * 1000 * FirstReadAt);
            next = Math.Max(next, predicted);
        }

        return next;
    }
}
