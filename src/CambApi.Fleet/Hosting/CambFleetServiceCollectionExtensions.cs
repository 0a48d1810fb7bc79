using CambApi.Http;
using CambApi.Fleet;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the fleet in an application's container, next to <c>AddCambApi</c>.</summary>
public static class CambFleetServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CambFleetConnection"/> (submit, status, release from anywhere in the app) and, unless
    /// <paramref name="runWorker"/> is false, a hosted worker for the host's lifetime. The worker uses the app's own
    /// <see cref="CambApi.AudioSeparationClient"/> (call <c>AddCambApi</c> too: the key comes from there, never the database),
    /// to whose API client this adds the fleet's pause and limit.
    /// </summary>
    public static IServiceCollection AddCambFleet(this IServiceCollection services, Action<FleetOptions> configure, bool runWorker = true)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<FleetOptions>().Configure(configure);
        services.AddSingleton<CambFleetConnection>();
        services.AddHttpClient(CambApiServiceCollectionExtensions.ApiHttpClientName)
            .AddHttpMessageHandler(sp =>
            {
                var connection = sp.GetRequiredService<CambFleetConnection>();
                var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<FleetOptions>>().Value;
                var logger = sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()?.CreateLogger("CambApi.Fleet");
                return new ThrottleHandler(new StoreGate(connection.Store), options.TimeProvider, line => FleetLog.Throttled(logger, line));
            });
        if (runWorker)
        {
            services.AddHostedService<CambFleetWorkerService>();
        }

        return services;
    }
}
