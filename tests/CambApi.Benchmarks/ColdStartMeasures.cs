using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace CambApi.Benchmarks;

/// <summary>
/// Cold start: wall time from process start to exit of `camb --help` and of a one-file simulated `camb separate`, against
/// a console app that does nothing (tests/CambApi.EmptyApp), each started through its apphost as a user would, the
/// median of several runs. The apps are the builds of this configuration (the project references build them).
/// </summary>
public static class ColdStartMeasures
{
    public sealed record Sample(string What, double MedianMs, double MinMs);

    public static IReadOnlyList<Sample> Run(int runs)
    {
        var root = RepoRoot();
        var configuration = typeof(ColdStartMeasures).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var camb = Path.Combine(root, "src", "CambApi.Cli", "bin", configuration, "net10.0", AppHost("camb"));
        var empty = Path.Combine(root, "tests", "CambApi.EmptyApp", "bin", configuration, "net10.0", AppHost("CambApi.EmptyApp"));
        var sample = Path.Combine(root, "samples", "demo.wav");
        return
        [
            Time("empty console app", runs, empty, _ => []),
            Time("camb --help", runs, camb, _ => ["--help"]),
            Time("camb separate demo.wav --simulate", runs, camb, output => ["separate", sample, "--simulate", "--out", output]),
        ];
    }

    public static string Report(IReadOnlyList<Sample> samples)
    {
        var baseline = samples[0];
        var lines = new List<string> { "cold start                               | median   | best     | vs empty app" };
        lines.AddRange(samples.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"cold start: {s.What,-28} | {s.MedianMs,5:0} ms | {s.MinMs,5:0} ms | {s.MedianMs / baseline.MedianMs:0.00}x (+{s.MedianMs - baseline.MedianMs:0} ms)")));
        return string.Join(Environment.NewLine, lines);
    }

    private static Sample Time(string what, int runs, string program, Func<string, string[]> arguments)
    {
        if (!File.Exists(program))
        {
            throw new FileNotFoundException($"{program} is not built (build/bench.sh builds it)", program);
        }

        var times = new List<double>();
        var warmUps = runs > 1 ? 1 : 0; // the first of several runs only warms the disk cache
        for (var i = 0; i < runs + warmUps; i++)
        {
            var output = Directory.CreateTempSubdirectory("cambapi-coldstart-").FullName;
            try
            {
                var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var argument in arguments(output))
                {
                    info.ArgumentList.Add(argument);
                }

                info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
                var started = Stopwatch.GetTimestamp();
                using var process = Process.Start(info)!;
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEnd();
                process.WaitForExit();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"{what} exited {process.ExitCode}: {stderr}{stdout.Result}");
                }

                if (i >= warmUps)
                {
                    times.Add(elapsed);
                }
            }
            finally
            {
                Directory.Delete(output, recursive: true);
            }
        }

        times.Sort();
        return new Sample(what, times[times.Count / 2], times[0]);
    }

    private static string AppHost(string name) => OperatingSystem.IsWindows() ? name + ".exe" : name;

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CambApi.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("CambApi.sln not found above " + AppContext.BaseDirectory);
    }
}
