namespace CambApi;

/// <summary>
/// When the next status read is due — the one owner of the polling rule, in the shape of Azure's <c>DelayStrategy</c>:
/// the client's schedule (growing with the time already waited rather than per poll, so the time between a task ending
/// and us noticing stays a fixed share of its length — a per-poll backoff saw a 10-s task 6 s late — while a long task
/// still costs few requests), the service's <c>Retry-After</c> when it asks for longer, and on top, for a fleet that has
/// learned how long tasks take, its prediction (CambApi.Fleet's PollPlan starts from <see cref="After"/>).
/// </summary>
internal sealed class PollSchedule(TimeSpan initial, double elapsedFraction, TimeSpan max)
{
    public static PollSchedule Of(AudioSeparationClientOptions options) =>
        new(options.PollInitialInterval, options.PollElapsedFraction, options.PollMaxInterval);

    /// <summary>The client's wait after <paramref name="elapsed"/> of waiting: initial + a fraction of the elapsed, at most the maximum.</summary>
    public TimeSpan After(TimeSpan elapsed) =>
        TimeSpan.FromTicks(Math.Min(max.Ticks, initial.Ticks + (long)(Math.Max(0, elapsed.Ticks) * elapsedFraction)));

    /// <summary>The wait before the next read: the client's, unless the service asked for longer (<paramref name="serverDelay"/>).</summary>
    public TimeSpan Next(TimeSpan elapsed, TimeSpan? serverDelay) =>
        serverDelay is { } asked && asked > After(elapsed) ? asked : After(elapsed);
}
