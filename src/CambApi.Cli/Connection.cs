using CambApi.Http;

namespace CambApi.Cli;

/// <summary>How to reach the API: from the recursive options, else the environment.</summary>
internal sealed record Connection(string? ApiKey, string? BaseUrl, TimeSpan? RequestTimeout)
{
    public const string BaseUrlVariable = AudioSeparationClientOptions.EndpointEnvironmentVariable;

    /// <summary>
    /// A command's settings: on the embedded <paramref name="simulator"/> when there is one. <paramref name="configure"/> is
    /// the tests' hook (fake time, quick retries); the CLI itself never sets it.
    /// </summary>
    /// <remarks>
    /// Only <c>--base-url</c> is read here: <c>CAMB_BASE_URL</c> and <c>CAMB_API_KEY</c> are read, and every setting checked,
    /// once, by <see cref="AudioSeparationClientOptions"/> — the same rules as for a library user.
    /// </remarks>
    /// <exception cref="ArgumentException">A bad URL: nothing is sent.</exception>
    public AudioSeparationClientOptions Options(TimeSpan? timeout, EmbeddedSimulator? simulator, Action<AudioSeparationClientOptions>? configure)
    {
        var options = new AudioSeparationClientOptions();
        if (simulator is not null)
        {
            simulator.Configure(options);
            Apply(options, timeout, configure);
        }
        else
        {
            Configure(options, timeout, configure);
        }

        return options;
    }

    /// <summary>A command's client, made as a library user makes one, behind <paramref name="gate"/> on every attempt when given.</summary>
    /// <exception cref="ArgumentException">The settings are invalid (a missing or malformed key, a bad endpoint): nothing is sent.</exception>
    public static AudioSeparationClient Client(AudioSeparationClientOptions options, IThrottleGate? gate = null, Action<string>? report = null)
    {
        if (gate is not null)
        {
            options.AddPerAttemptHandler(() => new ThrottleHandler(gate, options.TimeProvider, report ?? (_ => { })));
        }

        return new AudioSeparationClient(options);
    }

    /// <summary>A command's client without a gate.</summary>
    public AudioSeparationClient CreateClient(TimeSpan? timeout, EmbeddedSimulator? simulator, Action<AudioSeparationClientOptions>? configure) =>
        Client(Options(timeout, simulator, configure));

    /// <summary>Applies the command line's key, base URL and timeouts to <paramref name="options"/> (a fleet worker's client too).</summary>
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
