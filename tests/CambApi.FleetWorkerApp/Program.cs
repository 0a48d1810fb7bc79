using CambApi.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A fleet worker in a console app: the key from CambApi:ApiKey (or CAMB_API_KEY), the fleet's database from CAMB_FLEET_DB.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddCambApi(builder.Configuration);
builder.Services.AddCambFleet(fleet => fleet.Database = builder.Configuration[FleetDatabase.EnvironmentVariable]);
await builder.Build().RunAsync();
