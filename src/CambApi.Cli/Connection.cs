namespace CambApi.Cli;

/// <summary>How to reach the API: from the recursive options, else the environment.</summary>
internal sealed record Connection(string? ApiKey, string? BaseUrl, TimeSpan? RequestTimeout)
{
    public const string BaseUrlVariable = AudioSeparationClientOptions.EndpointEnvironmentVariable;

    /// <summary>
    /// The client for a command: on the embedded <paramref name="simulator"/> when there is one, behind <paramref name="gate"/>
    /// when given. <paramref name="configure"/> is the tests' hook (fake time, quick retries); the CLI itself never sets it.
    /// </summary>
    /// <remarks>
    /// Only <c>--base-url</c> is read here: <c>CAMB_BASE_URL</c> and <c>CAMB_API_KEY</c> are read, and every setting checked,
    /// once, by <see cref="AudioSeparationClientOptions"/> — the same rules as for a library user.
    /// </remarks>
    /// <exception cref="ArgumentException">A bad URL, a missing or malformed key: nothing is sent.</exception>
    public CliClient CreateClient(TimeSpan? timeout, EmbeddedSimulator? simulator, Action<AudioSeparationClientOptions>? configure,
        CambApi.Fleet.IThrottleGate? gate = null, Action<string>? report = null)
    {
        if (BaseUrl is not null && !(Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            throw new ArgumentException($"'{BaseUrl}' is not an http(s) URL; check --base-url.");
        }

        return CliClient.Create(options =>
        {
            if (simulator is not null)
            {
                simulator.Configure(options);
                Apply(options, timeout, configure);
            }
            else
            {
                Configure(options, timeout, configure);
            }
        }, gate, report);
    }

    /// <summary>Applies the command line's key, base URL and timeouts to <paramref name="options"/> (a fleet worker's DI client too).</summary>
    /// <exception cref="ArgumentException">A --base-url that is not an http(s) URL.</exception>
    public void Configure(AudioSeparationClientOptions options, TimeSpan? timeout, Action<AudioSeparationClientOptions>? configure)
    {
        options.ApiKey = ApiKey ?? options.ApiKey;
        if (BaseUrl is not null)
        {
            options.Endpoint = Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new ArgumentException($"'{BaseUrl}' is not an http(s) URL; check --base-url.");
        }

        Apply(options, timeout, configure);
    }

    /// <summary>--timeout bounds the whole wait (MaxWait); --request-timeout each HTTP attempt.</summary>
    private void Apply(AudioSeparationClientOptions options, TimeSpan? timeout, Action<AudioSeparationClientOptions>? configure)
    {
        options.MaxWait = timeout ?? options.MaxWait;
        options.AttemptTimeout = RequestTimeout ?? options.AttemptTimeout;
        configure?.Invoke(options);
    }
}
