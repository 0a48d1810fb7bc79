using Hangfire.Dashboard;

namespace CambApi.Fleet;

/// <summary>Who may see the fleet's dashboard and whether it may change anything.</summary>
public sealed class FleetDashboardOptions
{
    /// <summary>
    /// Hangfire's authorization hook, for both pages (the fleet's and Hangfire's). Default: requests from this machine only.
    /// A team puts its own check here (a header from its proxy, a signed-in user).
    /// </summary>
    public IEnumerable<IDashboardAuthorizationFilter> Authorization { get; set; } = [new LocalRequestsOnlyAuthorizationFilter()];

    /// <summary>Lets Hangfire's page delete, requeue and trigger jobs. Off by default: the pages only show.</summary>
    public bool AllowActions { get; set; }
}
