using System.Diagnostics;
using System.Globalization;
using CambApi.Fleet;
using CambApi.Simulator;
using CambApi.Tests;
using Dapper;
using Npgsql;

namespace CambApi.Benchmarks;

/// <summary>
/// The fleet at production scale, on PostgreSQL (<c>CAMB_FLEET_DB</c>; build/bench.sh starts a throwaway server when it
/// is not set): each hot statement's p50/p95 against a million seeded rows; two workers' throughput against the bound
/// their limit sets (files ÷ (limit ÷ processing time)), with status reads a file and connections a worker; and the case
/// of a vendor that takes fewer tasks than the fleet's limit. Every figure is a ratio or a count from the same run.
/// </summary>
public static class FleetScaleMeasures
{
    /// <param name="rows">Seeded files for the statement timings (1,000,000 for the table).</param>
    /// <param name="repetitions">Executions of each statement (each in a transaction rolled back).</param>
    /// <param name="throughput">(files, limit) pairs for two workers, each task taking <paramref name="processing"/>.</param>
    public static async Task<string> RunAsync(int rows, int repetitions, (int Files, int Limit)[] throughput, TimeSpan processing, int vendorFiles, TimeSpan vendorProcessing)
    {
        if (Environment.GetEnvironmentVariable(FleetDatabase.EnvironmentVariable) is not { Length: > 0 } server)
        {
            return "fleet at scale: skipped — set CAMB_FLEET_DB to an empty PostgreSQL database (build/bench.sh starts one when it can)";
        }

        var lines = new List<string>();
        if (rows > 0)
        {
            lines.AddRange(await StatementsAsync(server, rows, repetitions));
        }

        foreach (var (files, limit) in throughput)
        {
            lines.AddRange(await ThroughputAsync(server, files, limit, processing));
        }

        lines.Add(await VendorLimitAsync(server, vendorFiles, vendorProcessing));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>A fresh database on the server <paramref name="server"/> names, for one measure.</summary>
    private static async Task<string> FreshDatabaseAsync(string server)
    {
        var builder = new NpgsqlConnectionStringBuilder(server);
        var name = "camb_bench_" + Guid.NewGuid().ToString("N")[..10];
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE {name}");
        }

        builder.Database = name;
        return builder.ConnectionString;
    }

    private static async Task<IEnumerable<string>> StatementsAsync(string server, int rows, int repetitions)
    {
        var folder = Directory.CreateTempSubdirectory("camb-fleet-bench-").FullName;
        try
        {
            var label = "";
            var sent = new List<(string Label, string Sql, DynamicParameters Parameters)>();
            var capture = false;
            var database = FleetDatabase.Parse(await FreshDatabaseAsync(server), folder) with
            {
                Observer = (sql, parameters) =>
                {
                    if (capture)
                    {
                        sent.Add((label, sql, parameters));
                    }
                },
            };
            var store = new FleetStore(database);
            await store.EnsureSchemaAsync(8, CancellationToken.None);
            var seeding = Stopwatch.StartNew();
            var now = await database.ScalarAsync<long>("SELECT {now}", null, CancellationToken.None);
            foreach (var statement in FleetSeed.Statements(rows, now))
            {
                await database.ExecuteAsync(statement, null, CancellationToken.None);
            }

            var seeded = seeding.Elapsed;
            await database.ExecuteAsync("UPDATE camb_fleet_gate SET fleet_limit = (SELECT SUM(files) + 3 FROM camb_fleet_counts WHERE state IN ('admitted', 'uploading', 'processing')), " +
                                        "max_limit = 100000000", null, CancellationToken.None);
            capture = true;
            await FleetHotPath.RunAsync(store, l => label = l);
            capture = false;

            // Each statement alone, many times, each in a transaction rolled back: the table stays as seeded.
            var timings = new Dictionary<string, List<double>>(StringComparer.Ordinal);
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            foreach (var (what, sql, parameters) in sent.Where(s => !s.Sql.StartsWith("SELECT sha256 FROM camb_fleet_files WHERE state =", StringComparison.Ordinal)))
            {
                var list = timings.TryGetValue(what, out var l) ? l : timings[what] = [];
                var statementTimes = new List<double>();
                for (var i = 0; i < repetitions; i++)
                {
                    await using var transaction = await connection.BeginTransactionAsync();
                    var timer = Stopwatch.GetTimestamp();
                    await connection.ExecuteAsync(sql, parameters, transaction);
                    statementTimes.Add(Stopwatch.GetElapsedTime(timer).TotalMilliseconds);
                    await transaction.RollbackAsync();
                }

                list.Add(Percentile(statementTimes, 0.95)); // a step's worst statement is what the step waits for
            }

            // The status read as a person's command makes it: its statements together.
            var status = new List<double>();
            for (var i = 0; i < repetitions; i++)
            {
                var timer = Stopwatch.GetTimestamp();
                await store.Monitor.StatusAsync(CancellationToken.None);
                status.Add(Stopwatch.GetElapsedTime(timer).TotalMilliseconds);
            }

            var perStep = sent.GroupBy(s => s.Label).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var lines = new List<string>
            {
                string.Create(CultureInfo.InvariantCulture, $"fleet at scale: {rows:N0} rows seeded in {seeded.TotalSeconds:0.0} s; each statement {repetitions} times (p95 of its statements' p95s per step; goal ≤ 5 ms, status ≤ 20 ms)"),
            };
            foreach (var (what, p95s) in timings.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                var worst = p95s.Max();
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"  {what,-22} {perStep[what],2} statement(s), worst p95 {worst,6:0.00} ms  {(worst <= 5 ? "met" : "NOT MET")}"));
            }

            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"  {"status read",-22} p50 {Percentile(status, 0.5):0.00} ms, p95 {Percentile(status, 0.95):0.00} ms  {(Percentile(status, 0.95) <= 20 ? "met" : "NOT MET")}"));
            return lines;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<IEnumerable<string>> ThroughputAsync(string server, int count, int limit, TimeSpan processing)
    {
        var folder = Directory.CreateTempSubdirectory("camb-fleet-bench-").FullName;
        await using var simulator = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = processing });
        try
        {
            var db = await FreshDatabaseAsync(server);
            var fleet = await CambFleet.OpenAsync(new FleetOptions { Database = db, EmbeddedFolder = folder, FleetLimit = limit });
            await fleet.SubmitAsync([FleetMeasures.Inputs(folder, count)], Path.Combine(folder, "out"));
            var peakConnections = 0L;
            using var watching = new CancellationTokenSource();
            var watch = Task.Run(async () =>
            {
                await using var connection = new NpgsqlConnection(db);
                await connection.OpenAsync();
                while (!watching.IsCancellationRequested)
                {
                    var open = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
                    peakConnections = Math.Max(peakConnections, open);
                    await Task.Delay(200);
                }
            });

            var timer = Stopwatch.StartNew();
            var workers = Enumerable.Range(1, 2).Select(w => CambFleet.OpenAsync(new FleetOptions
                {
                    Database = db, EmbeddedFolder = folder, WorkerName = $"bench-{w}", MaxTransfers = 8,
                }).ContinueWith(t => t.Result.WorkAsync(o => ProductionSchedule(simulator, o), untilIdle: true, report: null, CancellationToken.None), TaskScheduler.Default).Unwrap())
                .ToList();
            await Task.WhenAll(workers);
            var elapsed = timer.Elapsed;
            await watching.CancelAsync();
            await watch;
            var done = (await fleet.StatusAsync()).Counts.GetValueOrDefault(FleetFileState.Done);
            var bound = count / (limit / processing.TotalSeconds);
            var statusReads = simulator.Requests.Count(r => r.Host == SimulatorHost.Api && r.Method == "GET" && r.Path.StartsWith("/apis/audio-separation/", StringComparison.Ordinal));
            // Where the time goes, from the rows (the database's clock): a vendor slot is busy from an upload's acceptance to
            // the read that sees it done; the rest of limit × elapsed is the time a slot stood empty between two files.
            await using var rows = new NpgsqlConnection(db);
            var spans = (await rows.QueryAsync<(long Uploaded, long Processed, long Done)>(
                "SELECT uploaded_at, processed_at, done_at FROM camb_fleet_files WHERE state = 'done'")).ToList();
            var busy = spans.Sum(f => (f.Processed - f.Uploaded) / 1000.0);
            var late = spans.Select(f => ((f.Processed - f.Uploaded) / 1000.0) - processing.TotalSeconds).ToList();
            var download = spans.Average(f => (f.Done - f.Processed) / 1000.0);
            return
            [
                string.Create(CultureInfo.InvariantCulture,
                    $"fleet at scale: {done} files, limit {limit}, {processing.TotalSeconds:0} s each, two workers: {elapsed.TotalSeconds:0.0} s against the bound {bound:0} s: " +
                    $"{bound / elapsed.TotalSeconds:0.00} of it (goal ≥ 0.90: {(bound / elapsed.TotalSeconds >= 0.9 ? "met" : "NOT MET")}); " +
                    $"{statusReads / (double)Math.Max(1, done):0.0} status reads a file; at most {peakConnections} PostgreSQL connections for the two workers"),
                string.Create(CultureInfo.InvariantCulture,
                    $"  where the time goes: vendor slots busy {busy / (limit * elapsed.TotalSeconds):0.00} of limit × elapsed; a task seen done {late.Average():0.00} s " +
                    $"after its end (p95 {Percentile(late, 0.95):0.00} s); download {download:0.00} s; a slot empty between files the rest"),
            ];
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The vendor takes 3 tasks; the fleet's limit is 8: refusals, the limit it settles on, the time against 3 at a time.</summary>
    private static async Task<string> VendorLimitAsync(string server, int count, TimeSpan processing)
    {
        var folder = Directory.CreateTempSubdirectory("camb-fleet-bench-").FullName;
        await using var simulator = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = processing, MaxInFlight = 3 });
        try
        {
            var db = await FreshDatabaseAsync(server);
            var fleet = await CambFleet.OpenAsync(new FleetOptions { Database = db, EmbeddedFolder = folder, FleetLimit = 8, MaxTransfers = 8 });
            await fleet.SubmitAsync([FleetMeasures.Inputs(folder, count)], Path.Combine(folder, "out"));
            var timer = Stopwatch.StartNew();
            await fleet.WorkAsync(o => ProductionSchedule(simulator, o), untilIdle: true, report: null, CancellationToken.None);
            var elapsed = timer.Elapsed;
            var status = await fleet.StatusAsync();
            var refused = simulator.Requests.Count(r => r.Method == "POST" && r.StatusCode == 429);
            var bound = Math.Ceiling(count / 3.0) * processing.TotalSeconds;
            return string.Create(CultureInfo.InvariantCulture,
                $"fleet at scale: vendor takes 3, fleet limit 8, {count} files of {processing.TotalSeconds:0} s: {refused} refused uploads (goal ≤ 8: {(refused <= 8 ? "met" : "NOT MET")}), " +
                $"settled limit {Math.Floor(status.Gate.Limit):0} (goal 2–4: {(Math.Abs(Math.Floor(status.Gate.Limit) - 3) <= 1 ? "met" : "NOT MET")}), " +
                $"{elapsed.TotalSeconds:0.0} s against 3 at a time's {bound:0} s: {elapsed.TotalSeconds / bound:0.00}× (goal ≤ 1.3: {(elapsed.TotalSeconds / bound <= 1.3 ? "met" : "NOT MET")})");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
    }

    private static void ProductionSchedule(CambSimulator simulator, AudioSeparationClientOptions options)
    {
        simulator.Configure(options);
        var defaults = new AudioSeparationClientOptions();
        options.PollInitialInterval = defaults.PollInitialInterval;
        options.PollElapsedFraction = defaults.PollElapsedFraction;
        options.PollMaxInterval = defaults.PollMaxInterval;
    }
}
