using System.Collections.Concurrent;
using System.Diagnostics;

namespace CambApi.Tests;

/// <summary>
/// A real <c>camb</c> process (the CLI's build output, run with <c>dotnet camb.dll</c>), for what only a process shows:
/// signals, a killed worker, what it loads. Its stdout and stderr lines are collected as they come; a test waits for a
/// line, never for a time.
/// </summary>
internal sealed class CambProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private CambProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        void Add(string? line)
        {
            if (line is not null)
            {
                _lines.Enqueue(line);
                _arrived.Release();
            }
        }
    }

    /// <summary>The CLI's own build output: where this test's is, under src/CambApi.Cli instead of tests/CambApi.Tests.</summary>
    public static string BuildOutput => TestContext.CurrentContext.TestDirectory.Replace(
        Path.Combine("tests", "CambApi.Tests"), Path.Combine("src", "CambApi.Cli"), StringComparison.Ordinal);

    public int Id => _process.Id;

    /// <summary>Every line so far, stdout and stderr in arrival order.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public string Output => string.Join('\n', _lines);

    /// <summary>Starts <c>dotnet {camb.dll} {args}</c> in <paramref name="directory"/> with <paramref name="environment"/> added.</summary>
    public static CambProcess Start(string directory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartFrom(Path.Combine(BuildOutput, "camb.dll"), directory, environment, args);

    public static CambProcess StartFrom(string cambDll, string directory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Launch([], cambDll, directory, environment, args);

    /// <summary>
    /// Starts camb with a clock of its own, <paramref name="skew"/> off the machine's (libfaketime preloaded; monotonic time
    /// shifted alike, so elapsed times stay true, as NTP drift and a resumed VM leave them): what a machine whose clock is
    /// wrong does to a fleet. The process is camb itself, so signals reach it.
    /// </summary>
    public static CambProcess StartSkewed(TimeSpan skew, string directory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var library = LocalTools.FakeTimeLibrary();
        Assert.That(library, Is.Not.Null, LocalTools.FakeTimeMissing);
        var withClock = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["LD_PRELOAD"] = library!,
            ["FAKETIME"] = $"{(skew < TimeSpan.Zero ? "-" : "+")}{(long)Math.Abs(skew.TotalSeconds)}s",
        };
        return Launch([], Path.Combine(BuildOutput, "camb.dll"), directory, withClock, args);
    }

    private static CambProcess Launch(string[] prefix, string cambDll, string directory, IReadOnlyDictionary<string, string>? environment, string[] args)
    {
        var start = new ProcessStartInfo(prefix.Length > 0 ? prefix[0] : "dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var part in prefix.Skip(1))
        {
            start.ArgumentList.Add(part);
        }

        if (prefix.Length > 0)
        {
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(cambDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new CambProcess(Process.Start(start)!);
    }

    /// <summary>The first line (already here or still to come) that <paramref name="match"/> accepts; fails after <paramref name="within"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan within, string what)
    {
        using var deadline = new CancellationTokenSource(within);
        var seen = 0;
        while (true)
        {
            var lines = Lines;
            for (; seen < lines.Count; seen++)
            {
                if (match(lines[seen]))
                {
                    return lines[seen];
                }
            }

            if (_process.HasExited && _lines.Count == seen)
            {
                _process.WaitForExit(); // the streams are drained
                if (_lines.Count == seen)
                {
                    Assert.Fail($"camb exited ({_process.ExitCode}) before {what}:\n{Output}");
                }

                continue;
            }

            try
            {
                await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no {what} within {within.TotalSeconds} s:\n{Output}");
            }
        }
    }

    /// <summary>
    /// The first line that <paramref name="match"/> accepts in any of <paramref name="processes"/>: for an event the fleet
    /// shares (the first upload, by whichever worker claimed first; which one starts sooner is the machine's business).
    /// </summary>
    public static async Task<string> WaitForLineInAnyAsync(IReadOnlyList<CambProcess> processes, Func<string, bool> match, TimeSpan within, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            foreach (var process in processes)
            {
                if (process.Lines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }
            }

            if (processes.All(p => p.HasExited) || deadline.Elapsed > within)
            {
                Assert.Fail($"no {what} within {within.TotalSeconds} s:\n" + string.Join("\n---\n", processes.Select(p => p.Output)));
            }

            // Waits for any new line (each process's own signal would be consumed by one waiter; a short poll is simpler).
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Sends a POSIX signal (SIGTERM 15, SIGINT 2, SIGKILL 9, SIGSTOP 19, SIGCONT 18) with the system's kill, as a service manager would.</summary>
    public void Signal(int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero, $"kill -{signal} {_process.Id} failed");
    }

    /// <summary>The exit code; fails if the process is still running after <paramref name="within"/> (a bound, not a measure).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"camb still running after {within.TotalSeconds} s:\n{Output}");
        }

        _process.WaitForExit(); // the output streams are read to their end
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        _arrived.Dispose();
    }
}
