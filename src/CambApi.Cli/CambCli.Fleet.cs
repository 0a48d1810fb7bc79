using System.CommandLine;
using CambApi.Cli.Commands;

namespace CambApi.Cli;

/// <summary><c>camb fleet</c>'s command line: submit, work, status, release, dashboard.</summary>
internal static partial class CambCli
{
    private static Command FleetCommand(CliConsole console, Func<ParseResult, Connection> connection, Action<AudioSeparationClientOptions>? configureClient,
        CancellationToken cancellationToken)
    {
        var db = new Option<string?>("--db")
        {
            Description = "The fleet's PostgreSQL: Host=…;Port=…;Username=…;Database=… or postgres://user@host:port/db (default: CAMB_FLEET_DB, else an embedded store in this folder)",
            Recursive = true,
        };
        var limit = new Option<int?>("--limit") { Description = "Files at the vendor at once, for the whole fleet (stored; default 8)", CustomParser = ParseOptionalCount };
        FleetTarget Target(ParseResult parse) => new(parse.GetValue(db), parse.GetValue(limit));

        var inputs = new Argument<string[]>("inputs") { Description = "Audio files or folders (WAV, MP3, FLAC, AAC)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Output folder every worker can write (a shared mount for a fleet)", Required = true };
        var submit = new Command("submit", "Register files for the fleet (each content once); no upload happens here") { inputs, output, limit };
        submit.SetAction((parse, _) => FleetCommands.SubmitAsync(console, Target(parse), parse.GetValue(inputs)!, parse.GetValue(output)!, cancellationToken));

        var untilIdle = new Option<bool>("--until-idle") { Description = "Exit when nothing is left to do fleet-wide" };
        var transfers = new Option<int?>("--max-transfers") { Description = "Uploads and downloads at once on this machine (default 4)", CustomParser = ParseOptionalCount };
        var shutdown = new Option<TimeSpan?>("--shutdown-timeout") { Description = "On SIGTERM/Ctrl+C, how long an upload in progress may finish (default 8s)", CustomParser = ParseDuration };
        var lease = new Option<TimeSpan?>("--lease") { Description = "How long a claim lives unrenewed: a dead worker's files move on after it (default 30s)", CustomParser = ParseDuration };
        var overdue = new Option<TimeSpan?>("--overdue-after") { Description = "A step this late is taken as lost and enqueued again (default 30s; 5s embedded)", CustomParser = ParseDuration };
        var simulate = new Option<bool>("--simulate") { Description = "Work against an embedded simulator: no key, no network (its tasks end with this worker)" };
        var dashboardPort = new Option<int?>("--dashboard-port")
        {
            Description = "Also serve the dashboard on 127.0.0.1:PORT from this worker (0: any free port), its jobs included — the embedded store's live here",
            CustomParser = ParseOptionalCount,
        };
        var work = new Command("work", "Run a worker: upload, poll and download the fleet's files; SIGTERM or Ctrl+C stops it cleanly")
        {
            untilIdle, limit, transfers, shutdown, lease, overdue, simulate, dashboardPort,
        };
        work.SetAction((parse, _) => FleetCommands.WorkAsync(console,
            Target(parse) with
            {
                MaxTransfers = parse.GetValue(transfers), ShutdownTimeout = parse.GetValue(shutdown), Lease = parse.GetValue(lease),
                OverdueAfter = parse.GetValue(overdue), DashboardPort = parse.GetValue(dashboardPort),
            },
            connection(parse), parse.GetValue(untilIdle), parse.GetValue(simulate), configureClient, cancellationToken));

        var json = new Option<bool>("--json") { Description = "Print the status as JSON" };
        var status = new Command("status", "Counts by state, files at the vendor against the limit, the pause, uncertain files, failures") { json };
        status.SetAction((parse, _) => FleetCommands.StatusAsync(console, Target(parse), parse.GetValue(json), cancellationToken));

        var hash = new Argument<string?>("hash") { Description = "The file's hash (at least its first 8 characters)", Arity = ArgumentArity.ZeroOrOne };
        var allUncertain = new Option<bool>("--all-uncertain") { Description = "Release every uncertain file" };
        var release = new Command("release", "Upload an uncertain or failed file again (an uncertain one may be charged twice)") { hash, allUncertain };
        release.SetAction((parse, _) => FleetCommands.ReleaseAsync(console, Target(parse), parse.GetValue(hash), parse.GetValue(allUncertain), cancellationToken));

        var port = new Option<int>("--port") { Description = "Loopback port (default: any free one)", DefaultValueFactory = _ => 0, CustomParser = ParseCount };
        var allowActions = new Option<bool>("--allow-actions") { Description = "Let the Hangfire page delete and requeue jobs (read-only otherwise)" };
        var dashboard = new Command("dashboard", "Serve the fleet's dashboard on 127.0.0.1 (Ctrl+C stops it)") { port, allowActions };
        dashboard.SetAction((parse, _) => FleetCommands.DashboardAsync(console, Target(parse), parse.GetValue(port), parse.GetValue(allowActions), cancellationToken));

        return new Command("fleet", "Separate a catalogue on one or several machines, each file uploaded once fleet-wide") { submit, work, status, release, dashboard, db };
    }
}
