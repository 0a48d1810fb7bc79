namespace CambApi.Client;

/// <summary>
/// The raw REST client, one method per operation of openapi/camb-api.yaml. The generated part lives in
/// obj/ (CambApiRestClient.g.cs); this part adds only what generation cannot express.
/// </summary>
public partial class CambApiRestClient
{
    /// <summary>The vendor's production base address (the spec's <c>servers[0]</c>).</summary>
    public static readonly Uri DefaultBaseAddress = new("https://client.camb.ai/apis/");

    /// <summary>
    /// Makes a client with its own <see cref="HttpClient"/> that sends <paramref name="apiKey"/> to
    /// <paramref name="baseAddress"/> (default <see cref="DefaultBaseAddress"/>). Custom because the generated
    /// constructor takes a ready <see cref="HttpClient"/> and knows nothing of the key.
    /// </summary>
    /// <exception cref="ArgumentException">The key is empty, white space or has control characters.</exception>
    public static CambApiRestClient Create(string apiKey, Uri? baseAddress = null, HttpMessageHandler? innerHandler = null)
    {
        var address = WithTrailingSlash(baseAddress ?? DefaultBaseAddress);
        var keyHandler = new ApiKeyHandler(apiKey, address) { InnerHandler = innerHandler ?? new SocketsHttpHandler() };
        return new CambApiRestClient(new HttpClient(keyHandler) { BaseAddress = address });
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
}
