using Microsoft.Extensions.Options;

namespace CambApi.Fleet;

/// <summary>
/// The fleet as dependency injection hands it out (<c>services.AddCambFleet(...)</c>): opened
/// once, on first use — the tables created if needed, a newer schema refused.
/// </summary>
public sealed class CambFleetConnection
{
    private readonly Lazy<Task<CambFleet>> _fleet;

    /// <summary>A connection for the configured <see cref="FleetOptions"/>; nothing is opened yet.</summary>
    public CambFleetConnection(IOptions<FleetOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fleetOptions = options.Value;
        Store = new FleetStore(fleetOptions.ResolveDatabase(), fleetOptions.TimeProvider);
        _fleet = new(() => CambFleet.OpenAsync(fleetOptions, Store, CancellationToken.None));
    }

    internal FleetStore Store { get; }

    /// <summary>The fleet, opened on the first call.</summary>
    /// <exception cref="FleetDatabaseException">Unreachable, refused, or laid out by a newer version.</exception>
    public Task<CambFleet> GetAsync(CancellationToken cancellationToken = default) => _fleet.Value.WaitAsync(cancellationToken);
}
