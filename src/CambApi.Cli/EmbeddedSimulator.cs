using System.Runtime.CompilerServices;
using CambApi.Simulator;

namespace CambApi.Cli;

/// <summary>
/// The simulator behind <c>--simulate</c>: with <c>camb simulate</c>, the only code of the CLI that touches
/// CambApi.Simulator. Its fields are typed without the simulator's types, so a command that talks to the real service
/// never loads that assembly, or ASP.NET Core with it (CliProcessTests runs camb without it).
/// </summary>
internal sealed class EmbeddedSimulator : IAsyncDisposable
{
    private readonly IAsyncDisposable _simulator;
    private readonly Func<Action<AudioSeparationClientOptions>, AudioSeparationClient> _createClient;

    private EmbeddedSimulator(IAsyncDisposable simulator, Func<Action<AudioSeparationClientOptions>, AudioSeparationClient> createClient) =>
        (_simulator, _createClient) = (simulator, createClient);

    /// <summary>Starts a simulator on loopback for this command.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // the first and only place CambSimulator is named on this path
    public static async Task<EmbeddedSimulator> StartAsync(CancellationToken cancellationToken)
    {
        var simulator = await CambSimulator.StartAsync(cancellationToken: cancellationToken);
        return new EmbeddedSimulator(simulator, configure => simulator.CreateClient(configure));
    }

    /// <summary>A client of this simulator, with its key and address, configured by <paramref name="configure"/>.</summary>
    public AudioSeparationClient CreateClient(Action<AudioSeparationClientOptions> configure) => _createClient(configure);

    public ValueTask DisposeAsync() => _simulator.DisposeAsync();
}
