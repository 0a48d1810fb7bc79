namespace CambApi.Http;

/// <summary>
/// What <see cref="ThrottleHandler"/> needs from a gate: when the current pause ends, and a way to report a refusal. The
/// library's <see cref="LocalGate"/> keeps it in memory; a fleet keeps it in its database, for every worker.
/// </summary>
internal interface IThrottleGate
{
    /// <summary>When every API request may go again (Unix milliseconds; in the past when there is no pause).</summary>
    Task<long> PausedUntilAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The vendor refused a request and asked for <paramref name="retryAfter"/>: pause everyone, lower the limit. Returns the
    /// new limit. <paramref name="uploadRefused"/>: the refused request was an upload (what a limit on tasks refuses); a
    /// refused status read says the vendor limits requests instead.
    /// </summary>
    Task<double> ThrottledAsync(TimeSpan retryAfter, bool uploadRefused, CancellationToken cancellationToken);
}
