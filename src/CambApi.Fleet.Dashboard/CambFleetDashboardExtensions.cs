using CambApi.Fleet;
using Microsoft.Extensions.DependencyInjection;

// In ASP.NET Core's namespace, as UseHangfireDashboard is, so `app.UseCambFleetDashboard()` needs no using.
namespace Microsoft.AspNetCore.Builder;

/// <summary>The fleet's dashboard in an application's pipeline, next to <c>AddCambFleet</c>.</summary>
public static class CambFleetDashboardExtensions
{
    /// <summary>
    /// Serves the dashboard of the fleet <c>AddCambFleet</c> registered — its page at the branch's root, Hangfire's jobs under
    /// <c>hangfire</c> — on the same job storage as the app's worker, so the jobs shown are the ones it runs. Map it under a
    /// path of your choice: <c>app.Map("/fleet", fleet =&gt; fleet.UseCambFleetDashboard())</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddCambFleet</c> was not called.</exception>
    public static IApplicationBuilder UseCambFleetDashboard(this IApplicationBuilder app, FleetDashboardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var connection = app.ApplicationServices.GetService<CambFleetConnection>()
            ?? throw new InvalidOperationException("UseCambFleetDashboard needs the fleet: call services.AddCambFleet(...) first.");
        FleetDashboard.Map(app, connection.GetAsync, connection.JobStorage, options ?? new FleetDashboardOptions());
        return app;
    }
}
