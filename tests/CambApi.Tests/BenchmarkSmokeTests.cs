using CambApi.Benchmarks;

namespace CambApi.Tests;

/// <summary>
/// Every benchmark runs once, in-process, on each test run (build/bench.sh --smoke): the suite cannot rot between
/// the runs that measure. It measures nothing; the targets are checked by build/bench.sh.
/// </summary>
[TestFixture]
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
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }
}
