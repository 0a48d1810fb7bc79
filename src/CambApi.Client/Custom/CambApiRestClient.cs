namespace CambApi.Client;

/// <summary>
/// The raw REST client, one method per operation of openapi/camb-api.yaml. The generated part lives in
/// obj/ (CambApiRestClient.g.cs); this part adds only what generation cannot express.
/// </summary>
public partial class CambApiRestClient
{
    /// <summary>
    /// The vendor's production base address: the spec's <c>servers[0]</c>, generated from openapi/camb-api.yaml (never
    /// written here by hand), with a trailing '/' so operation paths resolve under it.
    /// </summary>
    public static readonly Uri DefaultBaseAddress = WithTrailingSlash(new Uri(
        SpecServerUrl.Length > 0 ? SpecServerUrl : throw new InvalidOperationException("openapi/camb-api.yaml names no server; pass a base address.")));

    /// <summary>
    /// Makes a client with its own <see cref="HttpClient"/> that sends <paramref name="apiKey"/> to
    /// <paramref name="baseAddress"/> (default <see cref="DefaultBaseAddress"/>). Custom because the generated
    /// constructor takes a ready <see cref="HttpClient"/> and knows nothing of the key.
    /// </summary>
    /// <exception cref="ArgumentException">The key is empty, white space or has control characters.</exception>
    public static CambApiRestClient Create(string apiKey, Uri? baseAddress = null, HttpMessageHandler? innerHandler = null)
    {
        var address = WithTrailingSlash(baseAddress ?? DefaultBaseAddress);
        // The raw client sends through the API chain's innermost part alone: the library (CambPipeline) stacks retries,
        // timeouts and logging on the same part; nothing here is a second definition of it.
        return new CambApiRestClient(new HttpClient(ApiKeyHandler.OnTransport(apiKey, address, innerHandler)) { BaseAddress = address });
    }

    /// <summary>
    /// Relative operation paths resolve under the base address only when it ends in '/'
    /// (<c>https://host/apis</c> would otherwise drop <c>apis</c>).
    /// </summary>
    public static Uri WithTrailingSlash(Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("The base address must be an absolute URI.", nameof(baseAddress));
        }

        return baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
    }

    private static readonly AsyncLocal<Action<HttpRequestMessage>?> RequestCustomizer = new();

    /// <summary>
    /// Runs <paramref name="configure"/> on every request the calls inside the returned scope make. Custom
    /// because generated methods build their own <see cref="HttpRequestMessage"/>; the public layer uses this
    /// to tag an upload whose stream cannot be replayed, so the retry policy never re-sends an exhausted body.
    /// </summary>
    internal static IDisposable CustomizeRequests(Action<HttpRequestMessage> configure)
    {
        var previous = RequestCustomizer.Value;
        RequestCustomizer.Value = configure;
        return new Scope(() => RequestCustomizer.Value = previous);
    }

    /// <summary>
    /// Makes the generated URL absolute before it becomes a <see cref="Uri"/>: a relative one is parsed, then resolved
    /// against <see cref="HttpClient.BaseAddress"/> into a second <see cref="Uri"/> on every call (a third of the generated
    /// client's per-call overhead, measured by tests/CambApi.Benchmarks). Same result: the base ends in '/', the path is relative.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Implements a generated instance partial method.")]
    partial void PrepareRequest(HttpClient client, HttpRequestMessage request, System.Text.StringBuilder urlBuilder)
    {
        if (client.BaseAddress is { IsAbsoluteUri: true } baseAddress && baseAddress.AbsoluteUri.EndsWith('/'))
        {
            urlBuilder.Insert(0, baseAddress.AbsoluteUri);
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Implements a generated instance partial method.")]
    partial void PrepareRequest(HttpClient client, HttpRequestMessage request, string url) => RequestCustomizer.Value?.Invoke(request);

    private sealed class Scope(Action onDispose) : IDisposable
    {
        public void Dispose() => onDispose();
    }
}
