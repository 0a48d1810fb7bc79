namespace CambApi.Client;

/// <summary>
/// Puts the API key on every request, and on every retry attempt, to the API host, and nowhere else.
/// </summary>
/// <remarks>
/// The one place the key is applied. It sits innermost in the handler chain (<see cref="OnTransport"/>), below any retry
/// handler, so each attempt carries it; a request to any other host (a storage URL, a redirect) is sent without it.
/// </remarks>
public sealed class ApiKeyHandler : DelegatingHandler
{
    private readonly string _apiKey;
    private readonly Uri _apiHost;
    private readonly string _apiScheme;
    private readonly string _apiHostName;
    private readonly int _apiPort;

    /// <param name="apiKey">The key; validated here, so a bad key fails when the client is made.</param>
    /// <param name="apiBaseAddress">The API's base address: only requests to its scheme, host and port get the key.</param>
    public ApiKeyHandler(string apiKey, Uri apiBaseAddress)
    {
        ApiKey.Validate(apiKey);
        ArgumentNullException.ThrowIfNull(apiBaseAddress);
        _apiKey = apiKey;
        _apiHost = new Uri(apiBaseAddress.GetLeftPart(UriPartial.Authority));
        (_apiScheme, _apiHostName, _apiPort) = (_apiHost.Scheme, _apiHost.IdnHost, _apiHost.Port);
    }

    /// <summary>
    /// The innermost part of every API chain — this key handler on its transport — defined once: the generated client's
    /// <see cref="CambApiRestClient.Create"/> sends through it as is, and the library's pipeline stacks its handlers on it.
    /// Being innermost, the key is added per attempt and no handler above it (a caller's own included) ever sees it.
    /// </summary>
    /// <param name="apiKey">The key (validated).</param>
    /// <param name="apiBaseAddress">The API's base address: only its host gets the key.</param>
    /// <param name="transport">A test's or the simulator's transport; by default <see cref="CreateTransport"/>.</param>
    internal static ApiKeyHandler OnTransport(string apiKey, Uri apiBaseAddress, HttpMessageHandler? transport = null) =>
        new(apiKey, apiBaseAddress) { InnerHandler = transport ?? CreateTransport() };

    /// <summary>
    /// The transport under a key handler: it never follows redirects, because it would carry x-api-key to wherever a
    /// redirect points (it strips only Authorization) and the API has no reason to redirect; a 3xx surfaces as an error.
    /// Connections are replaced after 5 minutes (when idle), so a long-lived client follows DNS changes.
    /// </summary>
    private static SocketsHttpHandler CreateTransport() => new() { AllowAutoRedirect = false, PooledConnectionLifetime = ConnectionLifetime };

    /// <summary>
    /// Connections are replaced after this long (when idle), so a long-lived client follows DNS changes: the one value for
    /// every transport of the library (the API's here, the storage's in CambApi's pipeline).
    /// </summary>
    internal static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove(ApiKey.HeaderName);
        if (request.RequestUri is { } uri && IsApiHost(uri))
        {
            request.Headers.TryAddWithoutValidation(ApiKey.HeaderName, _apiKey);
        }

        return base.SendAsync(request, cancellationToken);
    }

    // Scheme, host and port compared one by one: Uri.Compare builds both strings on every request. Uri keeps the scheme
    // lower-case and the host name normalized (IdnHost: punycode), so an ordinal comparison ignoring case is exact.
    private bool IsApiHost(Uri uri) =>
        uri.IsAbsoluteUri && uri.Port == _apiPort && string.Equals(uri.Scheme, _apiScheme, StringComparison.Ordinal) &&
        string.Equals(uri.IdnHost, _apiHostName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Never shows the key.</summary>
    public override string ToString() => $"{nameof(ApiKeyHandler)}({_apiHost}, key: ***)";
}
