using System.Diagnostics;
using System.Text.Json;

namespace CambApi.Benchmarks;

/// <summary>
/// This same program started again, for the measures that need a process of their own (the loopback server, one
/// variant per process): started with the muxer, also when the caller is a test host.
/// </summary>
internal static class ChildProcesses
{
    public static Process Start(IEnumerable<string> arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath ? hostPath
            : Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
        var info = new ProcessStartInfo(dotnet) { ArgumentList = { typeof(ChildProcesses).Assembly.Location } };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        (info.RedirectStandardInput, info.RedirectStandardOutput, info.RedirectStandardError, info.UseShellExecute) = (true, true, true, false);
        return Process.Start(info)!;
    }

    /// <summary>Runs a child to its end and reads the JSON line it printed last; its output and errors if it failed.</summary>
    public static T RunForJson<T>(IReadOnlyList<string> arguments)
    {
        using var child = Start(arguments);
        var errors = child.StandardError.ReadToEndAsync(); // both pipes drained at once: a full one would block the child
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return child.ExitCode == 0
            ? JsonSerializer.Deserialize<T>(output.Trim().Split('\n')[^1])!
            : throw new InvalidOperationException($"{string.Join(' ', arguments)} failed ({child.ExitCode}): {errors.Result}{output}");
    }
}
