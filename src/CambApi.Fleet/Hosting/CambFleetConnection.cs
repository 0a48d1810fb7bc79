using Hangfire;
using Microsoft.Extensions.Options;

namespace CambApi.Fleet;

/// <summary>
/// The fleet as dependency injection hands it out (<c>services.AddCambFleet(...)</c>): opened
/// once, on first use — the tables created if needed, a newer schema refused.
/// </summary>
public sealed class CambFleetConnection
{
    private readonly Lazy<Task<CambFleet>> _fleet;
    private readonly Lazy<JobStorage> _jobs;

    /// <summary>A connection for the configured <see cref="FleetOptions"/>; nothing is opened yet.</summary>
    public CambFleetConnection(IOptions<FleetOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fleetOptions = options.Value;
        Store = new FleetStore(fleetOptions.ResolveDatabase(), fleetOptions.TimeProvider);
        _jobs = new(() => FleetJobStorage.Create(Store.Database, fleetOptions));
        _fleet = new(() => CambFleet.OpenAsync(fleetOptions, Store, _jobs, CancellationToken.None));
    }

    internal FleetStore Store { get; }

    /// <summary>The fleet's job storage, the same for the app's worker and its dashboard.</summary>
    internal JobStorage JobStorage => _jobs.Value;

    /// <summary>The fleet, opened on the first call.</summary>
    /// <exception cref="FleetDatabaseException">Unreachable, refused, or laid out by a newer version.</exception>
    public Task<CambFleet> GetAsync(CancellationToken cancellationToken = default) => _fleet.Value.WaitAsync(cancellationToken);
}
