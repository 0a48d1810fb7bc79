using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CambApi.Benchmarks;

// build/bench.sh runs this: the full suite, --quick (ShortRun jobs, minutes) or --smoke (one in-process iteration
// of each benchmark, what the test suite runs so the benchmarks cannot rot). Other arguments go to BenchmarkDotNet.
var quick = args.Contains("--quick");
var smoke = args.Contains("--smoke");
var rest = args.Where(a => a is not ("--quick" or "--smoke")).ToArray();
var summaries = Bench.Run(smoke ? Bench.Smoke : quick ? Job.ShortRun : Job.Default, rest);
Console.WriteLine();
Console.WriteLine(Targets.Report(summaries));
return summaries.All(s => s.Reports.All(r => r.Success)) ? 0 : 1;

namespace CambApi.Benchmarks
{
    /// <summary>Runs the suite with one job.</summary>
    public static class Bench
    {
        /// <summary>One in-process iteration: proves each benchmark runs, measures nothing.</summary>
        public static Job Smoke { get; } = Job.Dry.WithToolchain(InProcessEmitToolchain.Instance);

        public static Summary[] Run(Job job, string[] args)
        {
            var config = DefaultConfig.Instance.AddJob(job.AsDefault())
                .WithOptions(ConfigOptions.DisableOptimizationsValidator | ConfigOptions.JoinSummary)
                .WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(BenchmarkDotNet.Columns.RatioStyle.Value));
            // Without a filter BenchmarkDotNet would ask which benchmarks to run: run them all.
            args = args.Contains("--filter") ? args : [.. args, "--filter", "*"];
            return BenchmarkSwitcher.FromTypes([typeof(PerCallBenchmarks)]).Run(args, config).ToArray();
        }
    }

    /// <summary>The targets, each as a ratio of two benchmarks of one run.</summary>
    public static class Targets
    {
        private static readonly (string What, string Measured, string Baseline, double MaxRatio, double? MaxExtraBytes)[] All =
        [
            ("generated client vs raw + Newtonsoft", "generated client", "raw HttpClient + Newtonsoft", 1.05, 512),
            ("library call vs raw through the same pipeline", "library UpdateStatusAsync", "raw through the library's pipeline", 1.10, null),
            ("the pipeline itself vs raw", "raw through the library's pipeline", "raw HttpClient + Newtonsoft", 1.25, null),
        ];

        public static string Report(IEnumerable<Summary> summaries)
        {
            var reports = summaries.SelectMany(s => s.Reports).Where(r => r.Success && r.ResultStatistics is not null)
                .ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''), r => r);
            var lines = new List<string> { "target                                          | ratio  | target  | alloc/call (vs baseline) | met" };
            foreach (var (what, measured, baseline, maxRatio, maxExtra) in All)
            {
                if (!reports.TryGetValue(measured, out var m) || !reports.TryGetValue(baseline, out var b))
                {
                    lines.Add($"{what,-47} | not measured in this run");
                    continue;
                }

                var ratio = m.ResultStatistics!.Mean / b.ResultStatistics!.Mean;
                var (ma, ba) = (m.GcStats.GetBytesAllocatedPerOperation(m.BenchmarkCase) ?? 0, b.GcStats.GetBytesAllocatedPerOperation(b.BenchmarkCase) ?? 0);
                var met = ratio <= maxRatio && (maxExtra is null || ma - ba <= maxExtra);
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{what,-47} | {ratio,5:0.00}x | <= {maxRatio:0.00}x{(maxExtra is { } x ? $", +{x / 1024:0.0} KB" : ""),-9} | {ma / 1024.0,6:0.00} KB ({(ma - ba) / 1024.0:+0.00;-0.00} KB) | {(met ? "yes" : "NO")}"));
            }

            return string.Join(Environment.NewLine, lines);
        }
    }
}
