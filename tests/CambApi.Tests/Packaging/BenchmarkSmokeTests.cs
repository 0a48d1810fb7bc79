using CambApi.Benchmarks;

namespace CambApi.Tests;

/// <summary>
/// Every benchmark runs once, in-process, on each test run (build/bench.sh --smoke), and every measure once at a
/// small size (transfers of 1 and 2 MiB, 10 dripped calls, one cold start each): the suite cannot rot between the runs
/// that measure. It measures nothing; the targets are checked by build/bench.sh.
/// </summary>
[TestFixture]
[Category("Slow")] // packs, publishes or benchmarks: the whole suite runs it; build/test.sh --fast leaves it out
[NonParallelizable]
public sealed class BenchmarkSmokeTests
{
    [Test]
    public void Each_benchmark_runs()
    {
        var artifacts = Directory.CreateTempSubdirectory("cambapi-bench-").FullName;
        try
        {
            var summaries = Bench.Run(Bench.Smoke, ["--artifacts", artifacts]);

            var reports = summaries.SelectMany(s => s.Reports).ToList();
            Assert.That(reports, Is.Not.Empty);
            Assert.That(reports.Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo), Is.Empty);
            Assert.That(Targets.Report(summaries), Does.Not.Contain("not measured"));
            Assert.That(Targets.Report(TransferMeasures.Run(repetitions: 1, [1 << 20, 2 << 20], smoke: true)).Split('\n'), Has.Length.EqualTo(1 + (2 * ((4 * 2) + 1))),
                "per direction: four lines per size and the growth line");
            Assert.That(SlowDripMeasures.Report(SlowDripMeasures.Run(calls: 10, stepMs: 1), 10).Split('\n'), Has.Length.EqualTo(4));
            Assert.That(ColdStartMeasures.Report(ColdStartMeasures.Run(runs: 1)), Does.Contain("camb separate"));
            Assert.That(PollingMeasures.Report(), Does.Not.Contain("| NO"), "the default schedule meets its targets");
            Assert.That(FleetMeasures.RunAsync(files: 20, waiting: 5, throughputFiles: 4, watch: TimeSpan.FromMilliseconds(200), processing: TimeSpan.FromSeconds(1)).GetAwaiter().GetResult().Split('\n'),
                Has.Length.EqualTo(5), "submit, waiting memory, throughput, requests per file");
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }
}
