namespace CambApi.Fleet;

/// <summary>What a worker did, for its last line and its exit code.</summary>
/// <param name="Stopped">True when a stop (SIGTERM, Ctrl+C) ended it; false when there was nothing left to do, or <see cref="Fault"/>.</param>
/// <param name="FinishedDuringStop">Uploads that finished in the grace period (their task ids saved).</param>
/// <param name="HandedBack">Downloads given back for another worker.</param>
/// <param name="CutOff">Uploads the grace period did not cover (those files are uncertain).</param>
/// <param name="Unfinished">Files fleet-wide not yet done, failed or uncertain when it ended; null when the database could not say.</param>
public sealed record FleetWorkResult(bool Stopped, int FinishedDuringStop, int HandedBack, int CutOff, long? Unfinished)
{
    /// <summary>
    /// Why the worker stopped by itself, when something no wait mends ended it (a refused login, a database emptied or laid
    /// out by a newer version, this worker's API key refused): one line for a person. Null otherwise.
    /// </summary>
    public string? Fault { get; init; }
}
