using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CambApi.Benchmarks;

// build/bench.sh runs this: the full suite, --quick (ShortRun jobs, minutes) or --smoke (one in-process iteration
// of each benchmark, what the test suite runs so the benchmarks cannot rot). Other arguments go to BenchmarkDotNet.
// Child processes of the transfer measures (TransferMeasures.cs).
if (args is ["--serve"])
{
    return await TransferMeasures.ServeAsync();
}

if (args is ["--transfer", var variant, var bytes, var url, var directory, var warmUps, var warmUpBytes])
{
    return await TransferMeasures.RunVariantAsync(variant, long.Parse(bytes, CultureInfo.InvariantCulture), url, directory,
        int.Parse(warmUps, CultureInfo.InvariantCulture), long.Parse(warmUpBytes, CultureInfo.InvariantCulture));
}

if (args is ["--slow-drip", var dripVariant, var calls, var dripUrl])
{
    return await SlowDripMeasures.RunVariantAsync(dripVariant, int.Parse(calls, CultureInfo.InvariantCulture), dripUrl);
}

var quick = args.Contains("--quick");
var smoke = args.Contains("--smoke");
// --only per-call|transfers|slow-drip|polling|cold-start|fleet|fleet-scale|fleet-throughput: one part of the suite.
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
var rest = args.Where((a, i) => a is not ("--quick" or "--smoke" or "--only") && (i == 0 || args[i - 1] != "--only")).ToArray();
var summaries = only is null or "per-call" ? Bench.Run(smoke ? Bench.Smoke : quick ? Job.ShortRun : Job.Default, rest, quick) : [];
var transfers = only is null or "transfers" ? TransferMeasures.Run(repetitions: smoke ? 1 : quick ? 3 : 5, smoke ? [1 << 20, 2 << 20] : null, smoke) : [];
var dripCalls = smoke ? 20 : 1000;
var drip = only is null or "slow-drip" ? SlowDripMeasures.Run(dripCalls, stepMs: smoke ? 1 : 20) : [];
if (summaries.Length > 0)
{
    Console.WriteLine();
    Console.WriteLine(Targets.Report(summaries));
}

if (transfers.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine(Targets.Report(transfers));
}

if (drip.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine(SlowDripMeasures.Report(drip, dripCalls));
}

if (only is null or "cold-start")
{
    Console.WriteLine();
    Console.WriteLine(ColdStartMeasures.Report(ColdStartMeasures.Run(runs: smoke ? 1 : quick ? 5 : 20)));
}

if (only is null or "polling")
{
    Console.WriteLine();
    Console.WriteLine(PollingMeasures.Report());
}

if (only is null or "fleet")
{
    Console.WriteLine();
    Console.WriteLine(smoke
        ? await FleetMeasures.RunAsync(files: 20, waiting: 10, throughputFiles: 8, watch: TimeSpan.FromSeconds(1), processing: TimeSpan.FromSeconds(2))
        : await FleetMeasures.RunAsync(files: 10_000, waiting: 1_000, throughputFiles: 40, watch: TimeSpan.FromSeconds(90), processing: TimeSpan.FromSeconds(30)));
}

if (only is "fleet-throughput")
{
    // Throughput alone (no million-row seeding): for looking into where its time goes.
    Console.WriteLine(await FleetScaleMeasures.RunAsync(rows: 0, repetitions: 0, throughput: [(400, 50)], processing: TimeSpan.FromSeconds(10),
        vendorFiles: 12, vendorProcessing: TimeSpan.FromSeconds(4)));
}

if (only is null or "fleet" or "fleet-scale")
{
    Console.WriteLine();
    Console.WriteLine(smoke
        ? await FleetScaleMeasures.RunAsync(rows: 2_000, repetitions: 3, throughput: [(8, 4)], processing: TimeSpan.FromSeconds(1), vendorFiles: 4, vendorProcessing: TimeSpan.FromSeconds(1))
        : await FleetScaleMeasures.RunAsync(rows: 1_000_000, repetitions: 200, throughput: [(400, 50), (2_000, 200)], processing: TimeSpan.FromSeconds(10),
            vendorFiles: 12, vendorProcessing: TimeSpan.FromSeconds(4)));
}
return summaries.All(s => s.Reports.All(r => r.Success)) ? 0 : 1;

namespace CambApi.Benchmarks
{
    /// <summary>Runs the suite with one job.</summary>
    public static class Bench
    {
        /// <summary>One in-process iteration: proves each benchmark runs, measures nothing.</summary>
        public static Job Smoke { get; } = Job.Dry.WithToolchain(InProcessEmitToolchain.Instance);

        /// <param name="quick">--quick: the per-call measures for the poll only (the call made most), not result and batch,
        /// and not the overhead breakdown.</param>
        public static Summary[] Run(Job job, string[] args, bool quick = false)
        {
            var config = DefaultConfig.Instance.AddJob(job.AsDefault())
                .AddFilter(new SimpleFilter(b => !quick || (b.Descriptor.Type != typeof(OverheadBreakdownBenchmarks) &&
                                                            b.Parameters.Items.All(p => p.Value is not ApiCall call || call == ApiCall.Status))))
                .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary)
                .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Value));
            // Without a filter BenchmarkDotNet would ask which benchmarks to run: run them all.
            args = args.Contains("--filter") ? args : [.. args, "--filter", "*"];
            return BenchmarkSwitcher.FromTypes([typeof(PerCallBenchmarks), typeof(OverheadBreakdownBenchmarks)]).Run(args, config).ToArray();
        }
    }

    /// <summary>The issue's targets, each as a ratio of two benchmarks of one run (per parameter set).</summary>
    public static class Targets
    {
        private static readonly (string What, string Measured, string Baseline, double? MaxRatio, double? MaxExtraBytes)[] All =
        [
            ("generated client vs raw + Newtonsoft", "generated client", "raw HttpClient + Newtonsoft", 1.05, 512),
            ("library call vs raw, same pipeline", "library call", "raw through the library's pipeline", 1.10, null),
            ("library call vs raw, same DI pipeline", "library call through DI", "raw through the DI pipeline", 1.10, null),
            ("the pipeline itself vs raw", "raw through the library's pipeline", "raw HttpClient + Newtonsoft", 1.25, null),
            ("the DI pipeline itself vs raw", "raw through the DI pipeline", "raw HttpClient + Newtonsoft", 1.25, null),
            ("Information logging on vs off (no target)", "library call, Information logging on", "library call", null, null),
        ];

        public static string Report(IEnumerable<Summary> summaries)
        {
            // The targets compare PerCallBenchmarks' variants; the breakdown explains them and has its own table above.
            var reports = summaries.SelectMany(s => s.Reports)
                .Where(r => r.Success && r.ResultStatistics is not null && r.BenchmarkCase.Descriptor.Type == typeof(PerCallBenchmarks))
                .ToDictionary(r => (r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''), r.BenchmarkCase.Parameters.DisplayInfo), r => r);
            var lines = new List<string> { "target                                                     | ratio  | target            | alloc/call (vs baseline) | met" };
            foreach (var parameters in reports.Keys.Select(k => k.DisplayInfo).Distinct())
            {
                foreach (var (what, measured, baseline, maxRatio, maxExtra) in All)
                {
                    var label = $"{what} {parameters}";
                    if (!reports.TryGetValue((measured, parameters), out var m) || !reports.TryGetValue((baseline, parameters), out var b))
                    {
                        lines.Add($"{label,-58} | not measured in this run");
                        continue;
                    }

                    var ratio = m.ResultStatistics!.Mean / b.ResultStatistics!.Mean;
                    var (ma, ba) = (m.GcStats.GetBytesAllocatedPerOperation(m.BenchmarkCase) ?? 0, b.GcStats.GetBytesAllocatedPerOperation(b.BenchmarkCase) ?? 0);
                    var target = maxRatio is { } max ? $"<= {max:0.00}x{(maxExtra is { } x ? $", +{x / 1024:0.0} KB" : "")}" : "-";
                    var met = maxRatio is null ? "-" : ratio <= maxRatio && (maxExtra is null || ma - ba <= maxExtra) ? "yes" : "NO";
                    lines.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{label,-58} | {ratio,5:0.00}x | {target,-17} | {ma / 1024.0,6:0.00} KB ({(ma - ba) / 1024.0:+0.00;-0.00} KB) | {met}"));
                }
            }

            return string.Join(Environment.NewLine, lines);
        }

        /// <summary>
        /// Transfers: the library against raw HttpClient at each size (downloads against raw with both tracks in parallel),
        /// throughput and CPU as ratios, allocations and peak working set as measured; allocations must stay flat across sizes.
        /// </summary>
        public static string Report(IReadOnlyList<TransferMeasures.Measure> measures)
        {
            const double KiB = 1024;
            var lines = new List<string> { "transfer target                                                        | raw        | library    | ratio  | target    | met" };
            void Line(string what, string raw, string library, string ratio, string target, bool? met) =>
                lines.Add($"{what,-70} | {raw,10} | {library,10} | {ratio,6} | {target,-9} | {(met is null ? "-" : met.Value ? "yes" : "NO")}");
            foreach (var (direction, baseline, library) in new[] { ("download", "download-raw-parallel", "download-library"), ("upload", "upload-raw", "upload-library") })
            {
                var allocations = new List<(long Raw, long Library)>();
                foreach (var size in measures.Select(m => m.TotalBytes).Distinct())
                {
                    var r = measures.SingleOrDefault(m => m.Variant == baseline && m.TotalBytes == size)?.Sample;
                    var l = measures.SingleOrDefault(m => m.Variant == library && m.TotalBytes == size)?.Sample;
                    if (r is null || l is null)
                    {
                        continue;
                    }

                    var label = $"{direction} {size / (1 << 20)} MiB";
                    var throughput = l.MegabytesPerSecond / r.MegabytesPerSecond;
                    var cpu = l.CpuSeconds / r.CpuSeconds;
                    Line(I($"{label}: throughput (MB/s), library vs {baseline}"), I($"{r.MegabytesPerSecond:0}"), I($"{l.MegabytesPerSecond:0}"), I($"{throughput:0.00}x"), ">= 0.95x", throughput >= 0.95);
                    Line(I($"{label}: CPU time (s)"), I($"{r.CpuSeconds:0.00}"), I($"{l.CpuSeconds:0.00}"), I($"{cpu:0.00}x"), "<= 1.20x", cpu <= 1.2);
                    Line(I($"{label}: allocated (KiB), progress on"), I($"{r.AllocatedBytes / KiB:0}"), I($"{l.AllocatedBytes / KiB:0}"), "", "<= 64 KiB", l.AllocatedBytes <= 64 * KiB);
                    Line(I($"{label}: peak working set (MiB)"), I($"{r.PeakWorkingSetBytes / KiB / KiB:0}"), I($"{l.PeakWorkingSetBytes / KiB / KiB:0}"), "", "-", null);
                    allocations.Add((r.AllocatedBytes, l.AllocatedBytes));
                }

                if (allocations.Count > 1)
                {
                    // Flat: from the smallest to the largest transfer, the library's allocations grow no more than raw HttpClient's
                    // (the framework's own growth: thread-pool threads, connection buffers) plus 8 KiB.
                    var (rawGrowth, growth) = (allocations[^1].Raw - allocations[0].Raw, allocations[^1].Library - allocations[0].Library);
                    Line(I($"{direction}: allocation growth across sizes (KiB)"), I($"{rawGrowth / KiB:+0;-0}"), I($"{growth / KiB:+0;-0}"), "", "<= raw + 8", growth <= rawGrowth + 8 * KiB);
                }
            }

            return string.Join(Environment.NewLine, lines);
        }

        private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }
}
