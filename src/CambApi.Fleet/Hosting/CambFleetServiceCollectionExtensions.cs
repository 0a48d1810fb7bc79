using CambApi.Fleet;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the fleet in an application's container, next to <c>AddCambApi</c>.</summary>
public static class CambFleetServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CambFleetConnection"/> (submit, status, release from anywhere in the app) and, unless
    /// <paramref name="runWorker"/> is false, a hosted worker for the host's lifetime. The worker builds its own
    /// <see cref="CambApi.AudioSeparationClient"/> from the app's <c>AddCambApi</c> settings (the key comes from there, never
    /// the database), so the fleet's pause and limit — and its database — never sit on the app's own API calls.
    /// </summary>
    public static IServiceCollection AddCambFleet(this IServiceCollection services, Action<FleetOptions> configure, bool runWorker = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FleetOptions>().Configure(configure);
        services.AddSingleton<CambFleetConnection>();
        if (runWorker)
        {
            services.AddHostedService<CambFleetWorkerService>();
        }

        return services;
    }
}
