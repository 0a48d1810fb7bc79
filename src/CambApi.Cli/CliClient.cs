using CambApi.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CambApi.Cli;

/// <summary>
/// A command's client, made as a library user's container makes it (<c>AddCambApi</c>), so a command adds its own handler
/// where a user would: <c>camb separate</c>'s throttle gate runs on every attempt and never sees the key.
/// </summary>
internal sealed class CliClient : IDisposable
{
    private readonly ServiceProvider _provider;

    private CliClient(ServiceProvider provider, AudioSeparationClient client) => (_provider, Client) = (provider, client);

    public AudioSeparationClient Client { get; }

    /// <exception cref="ArgumentException">The settings are invalid (a missing key, a bad endpoint): nothing is sent.</exception>
    public static CliClient Create(Action<AudioSeparationClientOptions> configure, IThrottleGate? gate, Action<string>? report)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var api = services.AddCambApi(configure);
        if (gate is not null)
        {
            api.AddHttpMessageHandler(sp => new ThrottleHandler(gate, sp.GetRequiredService<IOptions<AudioSeparationClientOptions>>().Value.TimeProvider, report ?? (_ => { })));
        }

        var provider = services.BuildServiceProvider();
        try
        {
            return new CliClient(provider, provider.GetRequiredService<AudioSeparationClient>());
        }
        catch (OptionsValidationException e)
        {
            provider.Dispose();
            // The same words as a directly constructed client's (AudioSeparationClientOptions.ThrowIfInvalid).
            throw new ArgumentException("Invalid CambApi options: " + string.Join(" ", e.Failures), e);
        }
    }

    /// <summary>The clock a command's client will run on (the tests' hook may set a fake one), for what shares its time: the gate.</summary>
    public static TimeProvider ClockOf(Action<AudioSeparationClientOptions>? configure)
    {
        var options = new AudioSeparationClientOptions();
        configure?.Invoke(options);
        return options.TimeProvider;
    }

    public void Dispose() => _provider.Dispose();
}
