using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CambApi.Consumer.Tests;

/// <summary>
/// The fleet's dashboard in a team's own ASP.NET Core app, with only what the app has: <c>AddCambFleet</c> in its
/// container and <c>UseCambFleetDashboard</c> under a path of its choice. The app is real (Kestrel on a free loopback
/// port) and the pages are loaded over HTTP.
/// </summary>
[TestFixture]
public sealed class FleetDashboardInAnAppTests
{
    [Test]
    public async Task A_minimal_app_serves_the_fleet_page_and_its_jobs_under_its_own_path()
    {
        var folder = Directory.CreateTempSubdirectory("camb-dashboard-app-").FullName;
        try
        {
            // docs: fleet-dashboard
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Services.AddCambFleet(fleet => fleet.EmbeddedFolder = folder, runWorker: false); // the app's worker may run elsewhere
            await using var app = builder.Build();
            app.Map("/fleet", fleet => fleet.UseCambFleetDashboard()); // read-only, this machine only, unless told otherwise
            // docs: end
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

            var page = await http.GetAsync(new Uri("/fleet/", UriKind.Relative));
            var jobs = await http.GetAsync(new Uri("/fleet/hangfire", UriKind.Relative));
            var outside = await http.GetAsync(new Uri("/", UriKind.Relative));

            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("<h1>CambApi fleet</h1>").And.Contain("the embedded store"));
            Assert.That(jobs.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Hangfire's pages beside it");
            Assert.That(outside.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "only under the path the app chose");
            await app.StopAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void Without_the_fleet_in_the_container_it_says_what_is_missing()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.UseCambFleetDashboard());

        Assert.That(error!.Message, Does.Contain("AddCambFleet"));
    }
}
