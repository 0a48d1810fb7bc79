using System.Globalization;
using System.Net;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CambApi.Fleet;

/// <summary>
/// The fleet at a glance: a page of its own (counts by state, files at the vendor against the limit, the pause, each file's
/// task id and run id, what needs a person) and Hangfire's dashboard beside it (<c>hangfire</c>). Never the key — no row
/// holds it — and never a presigned URL: rows hold paths, and errors come redacted from the library. An app mounts it
/// with <c>UseCambFleetDashboard</c>; <c>camb fleet dashboard</c> serves it alone.
/// </summary>
internal static class FleetDashboard
{
    /// <summary>Serves the dashboard for <paramref name="fleet"/> on 127.0.0.1:<paramref name="port"/> (0: any free port) until <paramref name="stop"/>.</summary>
    /// <param name="fleet">The fleet to show.</param>
    /// <param name="port">The loopback port.</param>
    /// <param name="options">Authorization and actions.</param>
    /// <param name="started">Gets the address once it listens.</param>
    /// <param name="stop">Stops serving.</param>
    public static async Task RunAsync(CambFleet fleet, int port, FleetDashboardOptions options, Action<Uri> started, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(started);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        Map(app, _ => Task.FromResult(fleet), fleet.JobStorage, options);
        await app.StartAsync(stop);
        started(new Uri(app.Urls.First()));
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
    }

    /// <summary>
    /// Adds both pages to <paramref name="app"/>: the fleet's at its root, Hangfire's at <c>hangfire</c>, on
    /// <paramref name="storage"/> (the fleet's own job storage).
    /// </summary>
    public static void Map(IApplicationBuilder app, Func<CancellationToken, Task<CambFleet>> fleet, JobStorage storage, FleetDashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        GlobalConfiguration.Configuration.UseDashboardMetric(new DashboardMetric("camb:uncertain", "Uncertain (camb)",
            _ => new Metric(Count(fleet, FleetFileState.Uncertain)) { Style = MetricStyle.Warning, Highlighted = Count(fleet, FleetFileState.Uncertain) > 0 }));
        GlobalConfiguration.Configuration.UseDashboardMetric(new DashboardMetric("camb:done", "Done (camb)",
            _ => new Metric(Count(fleet, FleetFileState.Done)) { Style = MetricStyle.Success }));
        // Hangfire's own dashboard middleware on the fleet's storage and Hangfire's routes: what UseHangfireDashboard does,
        // without asking the app to register Hangfire's services (the app may not use Hangfire itself, or use another storage).
        var jobs = new DashboardOptions
        {
            DashboardTitle = "CambApi fleet — jobs",
            AppPath = "../",
            DisplayStorageConnectionString = false, // it may hold a password
            IsReadOnlyFunc = _ => !options.AllowActions,
            Authorization = options.Authorization,
        };
        app.Map("/hangfire", branch => branch.UseMiddleware<AspNetCoreDashboardMiddleware>(storage, jobs, DashboardRoutes.Routes));
        app.Use(async (context, next) =>
        {
            if (context.Request.Path != "/" && context.Request.Path != "")
            {
                await next(context);
                return;
            }

            var dashboard = new AspNetCoreDashboardContext(storage, new DashboardOptions(), context);
            if (!options.Authorization.All(filter => filter.Authorize(dashboard)))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(await PageAsync(await fleet(context.RequestAborted), context.RequestAborted), context.RequestAborted);
        });
    }

    private static long Count(Func<CancellationToken, Task<CambFleet>> fleet, FleetFileState state) =>
        // Hangfire's metric callbacks are synchronous.
        fleet(CancellationToken.None).GetAwaiter().GetResult().StatusAsync().GetAwaiter().GetResult().Counts.GetValueOrDefault(state);

    private static async Task<string> PageAsync(CambFleet fleet, CancellationToken cancellationToken)
    {
        var status = await fleet.StatusAsync(cancellationToken);
        var files = await fleet.ListAsync(500, cancellationToken);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
            <title>CambApi fleet</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}.uncertain{background:#fff3cd}.failed{background:#f8d7da}
            .counter{display:inline-block;margin-right:1.5em}.counter b{font-size:1.6em;display:block}</style></head><body>
            <h1>CambApi fleet</h1><p>{{Encode(fleet.Database.Where)}} · <a href="hangfire">Hangfire jobs</a></p><div id="counters">
            """);
        foreach (var state in Enum.GetValues<FleetFileState>())
        {
            html.Append(CultureInfo.InvariantCulture, $"""<span class="counter" id="count-{FleetSql.Text(state)}"><b>{status.Counts.GetValueOrDefault(state)}</b>{FleetSql.Text(state)}</span>""");
        }

        html.Append(CultureInfo.InvariantCulture, $"""
            </div><p id="gate">At the vendor: {status.InFlight} of {Math.Floor(status.Gate.Limit):0} (ceiling {status.Gate.MaxLimit}){(status.Gate.PausedFor > TimeSpan.Zero ? $"; paused for {status.Gate.PausedFor.TotalSeconds:0.#} s more" : "")}; throttled {status.Gate.Throttled} times.</p>
            """);
        if (status.Uncertain.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"""<p class="uncertain">{status.Uncertain.Count} uncertain: {Encode(FleetReasons.UploadInterruptedReason)}</p>""");
        }

        html.Append("<table><thead><tr><th>file</th><th>hash</th><th>state</th><th>task id</th><th>run id</th><th>polls</th><th>note</th></tr></thead><tbody>");
        foreach (var file in files)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"""<tr class="{FleetSql.Text(file.State)}"><td>{Encode(file.FileName)}</td><td><code>{file.Sha256[..12]}</code></td><td>{FleetSql.Text(file.State)}</td><td>{Encode(file.TaskId)}</td><td>{file.RunId}</td><td>{file.Polls}</td><td>{Encode(file.LastError)}</td></tr>""");
        }

        html.Append("</tbody></table></body></html>");
        return html.ToString();
    }

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");
}
