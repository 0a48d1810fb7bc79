using System.Diagnostics;

namespace CambApi.Tests;

/// <summary>Tests that run the SDK on the repository (pack, publish) and the programs it makes.</summary>
internal static class Commands
{
    /// <summary>The repository root: the directory above the test's output that holds CambApi.sln.</summary>
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CambApi.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new DirectoryNotFoundException("CambApi.sln not found above the test directory");
        }
    }

    /// <summary>Runs <paramref name="file"/> to its end; stdout and stderr together (stderr drained alongside, never blocking).</summary>
    public static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
