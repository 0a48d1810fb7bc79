using Polly.Timeout;

namespace CambApi.Http;

/// <summary>
/// Outermost on both pipelines: whatever survives the retries leaves as one of the library's failure types — a
/// per-attempt timeout as <see cref="CambRequestTimeoutException"/> (never Polly's <see cref="TimeoutRejectedException"/>),
/// a transport failure (refused, DNS, reset, TLS) as <see cref="CambConnectionException"/> (never a raw
/// <see cref="HttpRequestException"/>). A caller's cancellation passes through untouched.
/// </summary>
internal sealed class FailureTranslationHandler(TimeSpan attemptTimeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            var url = Redaction.UrlWithoutQuery(request.RequestUri);
            throw new CambRequestTimeoutException(request.Method.Method, url, attemptTimeout, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new CambConnectionException(HostOf(request.RequestUri), TransportFailureClassifier.Classify(e), e);
        }
    }

    /// <summary>host[:port] only: a path or query may carry a presigned signature.</summary>
    internal static string HostOf(Uri? uri) => uri is { IsAbsoluteUri: true } ? uri.Authority : "the service";
}
