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
    private readonly Action<AudioSeparationClientOptions> _configure;

    private EmbeddedSimulator(IAsyncDisposable simulator, Action<AudioSeparationClientOptions> configure) =>
        (_simulator, _configure) = (simulator, configure);

    /// <summary>Starts a simulator on loopback for this command.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // the first and only place CambSimulator is named on this path
    public static async Task<EmbeddedSimulator> StartAsync(CancellationToken cancellationToken)
    {
        var simulator = await CambSimulator.StartAsync(cancellationToken: cancellationToken);
        return new EmbeddedSimulator(simulator, simulator.Configure);
    }

    /// <summary>Points a client's settings at this simulator (its key, address and quick polls).</summary>
    public void Configure(AudioSeparationClientOptions options) => _configure(options);

    public ValueTask DisposeAsync() => _simulator.DisposeAsync();
}
