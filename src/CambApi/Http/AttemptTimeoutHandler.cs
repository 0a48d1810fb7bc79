using Polly.Timeout;

namespace CambApi.Http;

/// <summary>
/// Outermost on both pipelines: a per-attempt timeout that survives the retries surfaces as the library's
/// <see cref="CambRequestTimeoutException"/>, never as Polly's <see cref="TimeoutRejectedException"/>, which callers
/// should not have to know about.
/// </summary>
internal sealed class AttemptTimeoutHandler(TimeSpan attemptTimeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException e)
        {
            var url = request.RequestUri is { IsAbsoluteUri: true } uri ? new Uri(uri.GetLeftPart(UriPartial.Path)) : null;
            throw new CambRequestTimeoutException(request.Method.Method, url, attemptTimeout, e);
        }
    }
}
