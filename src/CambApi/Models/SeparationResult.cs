namespace CambApi;

/// <summary>Where the two tracks of a finished run can be downloaded (presigned storage URLs).</summary>
/// <param name="RunId">The run the task produced; the key for results.</param>
/// <param name="ForegroundUrl">Speech, vocals or lead.</param>
/// <param name="BackgroundUrl">Everything else.</param>
public sealed record SeparationResult(long RunId, Uri ForegroundUrl, Uri BackgroundUrl)
{
    /// <summary>Never prints the URLs' queries (their signatures).</summary>
    public override string ToString() =>
        $"Run {RunId}: foreground {Redaction.Url(ForegroundUrl)}, background {Redaction.Url(BackgroundUrl)}";
}
