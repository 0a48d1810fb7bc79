namespace CambApi;

/// <summary>
/// One HTTP request got no answer within <see cref="AudioSeparationClientOptions.AttemptTimeout"/> on its last attempt
/// (after any retries the request allowed). Raised instead of the resilience library's own timeout type.
/// </summary>
public sealed class CambRequestTimeoutException : CambException
{
    /// <summary>A <paramref name="method"/> request to <paramref name="redactedUrl"/> got no answer within <paramref name="attemptTimeout"/>.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="redactedUrl">The URL without its query.</param>
    /// <param name="attemptTimeout">The time allowed per attempt.</param>
    /// <param name="inner">The timeout's own exception.</param>
    public CambRequestTimeoutException(string method, Uri? redactedUrl, TimeSpan attemptTimeout, Exception? inner = null)
        : base($"{method} {redactedUrl?.AbsolutePath ?? "(request)"} got no answer within {attemptTimeout.TotalSeconds:0.#} s.", innerException: inner)
    {
        Method = method;
        RedactedUrl = redactedUrl;
        AttemptTimeout = attemptTimeout;
    }

    /// <summary>The HTTP method of the request.</summary>
    public string Method { get; }

    /// <summary>The URL without its query (presigned signatures are credentials).</summary>
    public Uri? RedactedUrl { get; }

    /// <summary>The per-attempt limit that was reached.</summary>
    public TimeSpan AttemptTimeout { get; }

    /// <summary>Always: the next attempt may be answered.</summary>
    public override bool IsTransient => true;
}
