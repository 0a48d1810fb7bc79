using System.Diagnostics;
using System.Globalization;
using CambApi.Fleet;
using CambApi.Simulator;

namespace CambApi.Benchmarks;

/// <summary>
/// The fleet at scale, measured (docs/fleet.md's table): submitting a catalogue; a worker's memory while many tasks wait at
/// the vendor; throughput against the bound the fleet's limit sets (limit ÷ processing time); requests per finished file.
/// On the in-process simulator; the store is the embedded one unless <c>CAMB_FLEET_DB</c> names a PostgreSQL database.
/// </summary>
public static class FleetMeasures
{
    /// <param name="files">Files to submit (10,000 for the table).</param>
    /// <param name="waiting">Tasks left waiting at the vendor while the worker's memory is watched (1,000).</param>
    /// <param name="throughputFiles">Files for the throughput run (40: five rounds of the limit).</param>
    /// <param name="watch">How long the waiting worker runs before its memory is read, and again before it is read a second time (90 s).</param>
    /// <param name="processing">How long each throughput task takes (30 s for the table: long against the one-second
    /// resolution of Hangfire's scheduler, as real separations are).</param>
    public static async Task<string> RunAsync(int files, int waiting, int throughputFiles, TimeSpan watch, TimeSpan processing)
    {
        var lines = new List<string> { $"fleet: store {StoreName()}" };
        lines.Add(await SubmitAsync(files));
        lines.Add(await WaitingMemoryAsync(waiting, watch));
        lines.AddRange(await ThroughputAsync(throughputFiles, limit: 8, processing));
        return string.Join(Environment.NewLine, lines);
    }

    private static string StoreName() => Environment.GetEnvironmentVariable(FleetDatabase.EnvironmentVariable) is { Length: > 0 } ? "PostgreSQL (CAMB_FLEET_DB)" : "embedded (SQLite)";

    private static async Task<CambFleet> OpenAsync(string folder, int? limit)
    {
        var database = Environment.GetEnvironmentVariable(FleetDatabase.EnvironmentVariable);
        if (database is { Length: > 0 })
        {
            // One PostgreSQL for every measure: each starts from empty tables.
            await using var connection = new Npgsql.NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var clear = new Npgsql.NpgsqlCommand($"DROP TABLE IF EXISTS camb_fleet_files, camb_fleet_gate, camb_fleet_schema, camb_fleet_counts, camb_fleet_minutes, camb_fleet_attempts, camb_fleet_workers; " +
                $"DROP FUNCTION IF EXISTS camb_fleet_track(); DROP SCHEMA IF EXISTS {FleetJobStorage.PostgresSchema} CASCADE", connection);
            await clear.ExecuteNonQueryAsync();
        }

        return await CambFleet.OpenAsync(new FleetOptions { Database = database, EmbeddedFolder = folder, FleetLimit = limit, OverdueAfter = TimeSpan.FromSeconds(30) });
    }

    internal static string Inputs(string folder, int count)
    {
        var input = Directory.CreateDirectory(Path.Combine(folder, "in")).FullName;
        for (var i = 0; i < count; i++)
        {
            // 0.1 s of audio each, every one its own content.
            var wav = new PcmWav(8000, 1, 16, Enumerable.Range(0, 800).Select(s => ((s * (i + 7)) % 20000) - 10000).ToArray());
            File.WriteAllBytes(Path.Combine(input, $"clip{i:00000}.wav"), wav.ToBytes());
        }

        return input;
    }

    private static async Task<string> SubmitAsync(int count)
    {
        var folder = Directory.CreateTempSubdirectory("camb-fleet-bench-").FullName;
        try
        {
            var input = Inputs(folder, count);
            var fleet = await OpenAsync(folder, limit: null);
            GC.Collect();
            var before = Process.GetCurrentProcess().WorkingSet64;
            var timer = Stopwatch.StartNew();
            var submission = await fleet.SubmitAsync([input], Path.Combine(folder, "out"));
            var elapsed = timer.Elapsed;
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;
            var rows = (await fleet.StatusAsync()).Counts.Values.Sum();
            return string.Create(CultureInfo.InvariantCulture,
                $"fleet: submit {count:N0} files: {elapsed.TotalSeconds:0.0} s ({count / elapsed.TotalSeconds:N0} files/s), {rows:N0} rows ({submission.Added:N0} added), " +
                $"working set {before / 1048576.0:0} MiB before, peak {peak / 1048576.0:0} MiB");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string> WaitingMemoryAsync(int count, TimeSpan watch)
    {
        var folder = Directory.CreateTempSubdirectory("camb-fleet-bench-").FullName;
        await using var simulator = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.FromHours(1) });
        try
        {
            var fleet = await OpenAsync(folder, limit: count);
            await fleet.SubmitAsync([Inputs(folder, count)], Path.Combine(folder, "out"));
            using var stop = new CancellationTokenSource();
            var worker = fleet.WorkAsync(options => ProductionSchedule(simulator, options), untilIdle: false, report: null, stop.Token);
            while ((await fleet.StatusAsync()).Counts.GetValueOrDefault(FleetFileState.Processing) < count)
            {
                await Task.Delay(500);
            }

            await Task.Delay(watch); // past the first minute: finished steps' jobs now expire as fast as new ones come
            var (first, firstHeap) = Memory();
            var pollsBefore = simulator.StatusPolls;
            await Task.Delay(watch);
            var (second, secondHeap) = Memory();
            var polls = simulator.StatusPolls - pollsBefore;
            await stop.CancelAsync();
            await worker;
            return string.Create(CultureInfo.InvariantCulture,
                $"fleet: {count:N0} tasks waiting at the vendor, after {watch.TotalSeconds:0} s: working set {first / 1048576.0:0} MiB → {second / 1048576.0:0} MiB {watch.TotalSeconds:0} s later " +
                $"(managed heap {firstHeap / 1048576.0:0.0} → {secondHeap / 1048576.0:0.0} MiB; {polls:N0} status reads meanwhile); flat: {(secondHeap <= (firstHeap * 1.2) + (4 << 20) ? "yes" : "NO")}");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }

        static (long WorkingSet, long Heap) Memory()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            return (Process.GetCurrentProcess().WorkingSet64, GC.GetTotalMemory(forceFullCollection: true));
        }
    }

    private static async Task<string[]> ThroughputAsync(int count, int limit, TimeSpan processing)
    {
        var folder = Directory.CreateTempSubdirectory("camb-fleet-bench-").FullName;
        await using var simulator = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = processing });
        try
        {
            var fleet = await OpenAsync(folder, limit);
            await fleet.SubmitAsync([Inputs(folder, count)], Path.Combine(folder, "out"));
            var timer = Stopwatch.StartNew();
            await fleet.WorkAsync(options => ProductionSchedule(simulator, options), untilIdle: true, report: null, CancellationToken.None);
            var elapsed = timer.Elapsed;
            var done = (await fleet.StatusAsync()).Counts.GetValueOrDefault(FleetFileState.Done);
            var bound = limit / processing.TotalSeconds;
            var rate = done / elapsed.TotalSeconds;
            var requests = simulator.Requests;
            double Per(Func<RecordedRequest, bool> which) => requests.Count(which) / (double)done;
            return
            [
                string.Create(CultureInfo.InvariantCulture,
                    $"fleet: throughput, {done} files, limit {limit}, {processing.TotalSeconds:0} s each: {rate:0.00} files/s against the bound {bound:0.00} (limit ÷ processing time): " +
                    $"{rate / bound:0.00} of it (goal ≥ 0.90: {(rate / bound >= 0.9 ? "yes" : "NO")})"),
                string.Create(CultureInfo.InvariantCulture,
                    $"fleet: requests per finished file: uploads {Per(r => r.Method == "POST" && r.Path.EndsWith("/audio-separation", StringComparison.Ordinal)):0.00}, " +
                    $"status reads {Per(r => r.Host == SimulatorHost.Api && r.Method == "GET" && r.Path.StartsWith("/apis/audio-separation/", StringComparison.Ordinal)):0.00}, " +
                    $"results {Per(r => r.Path.StartsWith("/apis/audio-separation-result/", StringComparison.Ordinal)):0.00}, " +
                    $"downloads {Per(r => r.Host == SimulatorHost.Storage):0.00}"),
            ];
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The simulator's address and key with the library's default poll schedule. The simulator's own quick polls (at most
    /// 1 s apart, for tests) would measure a worker running a thousand status jobs a second, not tasks waiting as they do.
    /// </summary>
    private static void ProductionSchedule(CambSimulator simulator, AudioSeparationClientOptions options)
    {
        simulator.Configure(options);
        var defaults = new AudioSeparationClientOptions();
        options.PollInitialInterval = defaults.PollInitialInterval;
        options.PollElapsedFraction = defaults.PollElapsedFraction;
        options.PollMaxInterval = defaults.PollMaxInterval;
    }
}
