using System.Text.Json;

namespace CambApi.Tests;

/// <summary>
/// <c>camb simulate</c> in its own process, as a fleet's workers see the service: its address and key for their
/// environment, its line per accepted upload (uploads counted across processes), and its request log (arrival times).
/// </summary>
internal sealed class SimulatorProcess : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private SimulatorProcess(CambProcess process, Dictionary<string, string> environment, string requestLog)
    {
        Process = process;
        Environment = environment;
        RequestLog = requestLog;
    }

    public CambProcess Process { get; }

    /// <summary>CAMB_BASE_URL and CAMB_API_KEY for a client of this simulator.</summary>
    public Dictionary<string, string> Environment { get; }

    public string RequestLog { get; }

    public static async Task<SimulatorProcess> StartAsync(string folder, params string[] flags)
    {
        var log = Path.Combine(folder, "requests.jsonl");
        var process = CambProcess.Start(folder, null, ["simulate", "--request-log", log, .. flags]);
        var url = await process.WaitForLineAsync(l => l.StartsWith("CAMB_BASE_URL=", StringComparison.Ordinal), Bound, "the simulator's address");
        var key = await process.WaitForLineAsync(l => l.StartsWith("CAMB_API_KEY=", StringComparison.Ordinal), Bound, "the simulator's key");
        return new SimulatorProcess(process, new() { ["CAMB_BASE_URL"] = url.Split('=', 2)[1], ["CAMB_API_KEY"] = key.Split('=', 2)[1] }, log);
    }

    /// <summary>The accepted uploads so far, by file name (one line each: "simulator: upload N accepted: NAME -> task ID").</summary>
    public IReadOnlyList<string> AcceptedUploads => Process.Lines
        .Where(l => l.StartsWith("simulator: upload ", StringComparison.Ordinal))
        .Select(l => l.Split(" accepted: ", 2)[1].Split(" -> ", 2)[0]).ToList();

    /// <summary>Upload requests whose body had started to arrive ("simulator: receiving an upload"): under way at the service.</summary>
    public int UploadsArriving => Process.Lines.Count(l => l.StartsWith("simulator: receiving an upload", StringComparison.Ordinal));

    /// <summary>The task ids the simulator issued so far (one line each: "simulator: upload N accepted: NAME -> task ID").</summary>
    public IReadOnlyList<string> IssuedTasks => Process.Lines
        .Where(l => l.StartsWith("simulator: upload ", StringComparison.Ordinal))
        .Select(l => l.Split(" -> task ", 2)[1].Split(' ', 2)[0]).ToList();

    /// <summary>Every API request so far: arrival (Unix ms), method, path, status.</summary>
    public IReadOnlyList<(long ArrivedMs, string Method, string Path, int Status)> Requests =>
        File.Exists(RequestLog)
            ? File.ReadAllLines(RequestLog).Select(l => JsonDocument.Parse(l).RootElement)
                .Select(e => (e.GetProperty("arrived_ms").GetInt64(), e.GetProperty("method").GetString()!, e.GetProperty("path").GetString()!, e.GetProperty("status").GetInt32()))
                .ToList()
            : [];

    public string ApiKey => Environment["CAMB_API_KEY"];

    public void Dispose() => Process.Dispose();
}
