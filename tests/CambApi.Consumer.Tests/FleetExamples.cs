using CambApi.Fleet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CambApi.Consumer.Tests;

// docs/fleet.md's library example, between "// docs: name" and "// docs: end", quoted verbatim (DocsTests compares
// them): compiled here on the public surface; CambApi.Tests' AddCambFleetTests runs the same registration on the simulator.

/// <summary>The fleet in an application's container, as docs/fleet.md shows it.</summary>
internal static class FleetExamples
{
    /// <summary>Compiled, not run: it needs a PostgreSQL server and a key.</summary>
    internal static async Task RegisterAndSubmit(IServiceCollection services, IConfiguration configuration)
    {
        // docs: fleet-di
        services.AddCambApi(configuration);                                 // this worker's key: never stored in the fleet
        services.AddCambFleet(fleet => fleet.Database = configuration["CambFleet:Database"]); // null: the embedded store
        using var provider = services.BuildServiceProvider();               // (a host runs the worker for its lifetime)
        CambFleet catalogue = await provider.GetRequiredService<CambFleetConnection>().GetAsync();
        FleetSubmission submitted = await catalogue.SubmitAsync(["/mnt/catalogue/in"], "/mnt/catalogue/out");
        // docs: end
        _ = submitted;
    }
}
