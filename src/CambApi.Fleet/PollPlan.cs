namespace CambApi.Fleet;

/// <summary>
/// When to read a processing file's status next: the library's <see cref="PollSchedule"/> with a prediction on top. The
/// library's schedule (2 s plus a tenth of the time waited, at most
/// 25 s) keeps a finished task's lateness under 2 s + 10 %, at 43 requests for a 10-minute task — at fleet scale most of
/// the traffic. Once a few files have finished, the fleet knows how long processing takes per second of audio: it skips
/// the reads before the predicted end, reads at 90 % of it, then every 5 % of it (at least 250 ms) until 120 %, then
/// falls back to the library's schedule, so a task that runs long (an outlier) is still noticed in time. Without a
/// prediction (the first files, audio of unknown length) the library's schedule is used throughout.
/// </summary>
internal static class PollPlan
{
    /// <summary>The share of the predicted processing time at which the first status read is made.</summary>
    internal const double FirstReadAt = 0.9;

    /// <summary>Until this share of the prediction, reads come every <see cref="CloseStep"/> of it.</summary>
    internal const double CloseWatchUntil = 1.2;

    internal const double CloseStep = 0.05;

    /// <summary>How long from now to the next status read, <paramref name="waited"/> after the upload was accepted (both by the database's clock).</summary>
    public static TimeSpan After(TimeSpan waited, double? audioSeconds, double? secondsPerAudioSecond, AudioSeparationClientOptions schedule)
    {
        var now = (long)Math.Max(0, waited.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Next(0, now, audioSeconds, secondsPerAudioSecond, schedule) - now);
    }

    /// <summary>When to read next (Unix milliseconds), for a task uploaded at <paramref name="uploadedAt"/>, at <paramref name="now"/>.</summary>
    public static long Next(long uploadedAt, long now, double? audioSeconds, double? secondsPerAudioSecond, AudioSeparationClientOptions schedule)
    {
        var next = now + (long)PollSchedule.Of(schedule).After(TimeSpan.FromMilliseconds(now - uploadedAt)).TotalMilliseconds;
        if (audioSeconds is not > 0 || secondsPerAudioSecond is not > 0)
        {
            return next;
        }

        var predicted = audioSeconds.Value * secondsPerAudioSecond.Value * 1000;
        var first = uploadedAt + (long)(predicted * FirstReadAt);
        if (now < first)
        {
            return first; // nothing to learn before it
        }

        return now < uploadedAt + (long)(predicted * CloseWatchUntil)
            ? now + (long)Math.Max(250, predicted * CloseStep)
            : next;
    }
}
