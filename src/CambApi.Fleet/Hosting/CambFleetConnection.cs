using Hangfire;
using Microsoft.Extensions.Options;

namespace CambApi.Fleet;

/// <summary>
/// The fleet as dependency injection hands it out (<c>services.AddCambFleet(...)</c>): opened on first use — the tables
/// created if needed, a newer schema refused. A failed opening is not remembered: the next call tries again.
/// </summary>
public sealed class CambFleetConnection
{
    private readonly FleetOptions _options;
    private readonly Lazy<JobStorage> _jobs;
    private readonly object _lock = new();
    private Task<CambFleet>? _fleet;

    /// <summary>A connection for the configured <see cref="FleetOptions"/>; nothing is opened yet.</summary>
    public CambFleetConnection(IOptions<FleetOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        Store = new FleetStore(_options.ResolveDatabase());
        _jobs = new(() => FleetJobStorage.Create(Store.Database, _options), LazyThreadSafetyMode.PublicationOnly); // a failed build is tried again
    }

    internal FleetStore Store { get; }

    internal FleetOptions Options => _options;

    /// <summary>The fleet's job storage, the same for the app's worker and its dashboard.</summary>
    internal JobStorage JobStorage => _jobs.Value;

    /// <summary>The fleet, opened on the first call (or the first after a failed one).</summary>
    /// <exception cref="FleetDatabaseException">Unreachable, refused, or laid out by a newer version.</exception>
    public Task<CambFleet> GetAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_fleet is null || _fleet.IsFaulted || _fleet.IsCanceled)
            {
                _fleet = CambFleet.OpenAsync(_options, Store, _jobs, CancellationToken.None);
            }

            return _fleet.WaitAsync(cancellationToken);
        }
    }
}
