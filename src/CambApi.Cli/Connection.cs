using CambApi.Simulator;

namespace CambApi.Cli;

/// <summary>How to reach the API: from the recursive options, else the environment.</summary>
internal sealed record Connection(string? ApiKey, string? BaseUrl, TimeSpan? RequestTimeout)
{
    public const string BaseUrlVariable = AudioSeparationClientOptions.EndpointEnvironmentVariable;

    /// <summary>
    /// The client for a command: on the embedded <paramref name="simulator"/> when there is one. <paramref name="configure"/>
    /// is the tests' hook (fake time, quick retries); the CLI itself never sets it.
    /// </summary>
    /// <exception cref="ArgumentException">A bad URL, a missing or malformed key: nothing is sent.</exception>
    public AudioSeparationClient CreateClient(TimeSpan? timeout, CambSimulator? simulator, Action<AudioSeparationClientOptions>? configure)
    {
        if (simulator is not null)
        {
            return simulator.CreateClient(o => Apply(o, timeout, configure));
        }

        var options = new AudioSeparationClientOptions { ApiKey = ApiKey };
        var url = BaseUrl ?? Environment.GetEnvironmentVariable(BaseUrlVariable);
        if (url is not null)
        {
            options.Endpoint = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new ArgumentException($"'{url}' is not an http(s) URL; check --base-url or {BaseUrlVariable}.");
        }

        Apply(options, timeout, configure);
        return new AudioSeparationClient(options);
    }

    /// <summary>--timeout bounds the whole wait (MaxWait); --request-timeout each HTTP attempt.</summary>
    private void Apply(AudioSeparationClientOptions options, TimeSpan? timeout, Action<AudioSeparationClientOptions>? configure)
    {
        options.MaxWait = timeout ?? options.MaxWait;
        options.AttemptTimeout = RequestTimeout ?? options.AttemptTimeout;
        configure?.Invoke(options);
    }
}
