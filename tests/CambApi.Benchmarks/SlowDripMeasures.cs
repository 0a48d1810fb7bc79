using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CambApi.Client;

namespace CambApi.Benchmarks;

/// <summary>
/// Many concurrent status calls whose answers trickle in (a 300-byte body, 4 bytes every 20 ms, from a loopback server
/// process): a client that reads a response synchronously parks a pool thread per call, and every call queues behind
/// them. Each variant runs in its own process; a probe measures how long a work item waits for a pool thread.
/// </summary>
public static class SlowDripMeasures
{
    /// <summary>A PENDING status padded to 300 bytes with a message.</summary>
    internal static readonly byte[] Body = Encoding.UTF8.GetBytes(
        $$"""{"status":"PENDING","run_id":null,"exception_reason":null,"message":"{{new string('.', 300 - 75)}}"}""");

    private static readonly string[] Variants = ["raw-async", "raw-sync-read", "library"];

    public sealed record Sample(double P50Seconds, double P99Seconds, int MaxThreads, double QueueDelayP50Ms, double QueueDelayP99Ms);

    /// <param name="stepMs">The pause between two 4-byte pieces of each answer: 20 ms measures, 1 ms only smoke-tests.</param>
    public static IReadOnlyList<(string Variant, Sample Sample)> Run(int calls, int stepMs = 20)
    {
        using var server = ChildProcesses.Start(["--serve"]);
        try
        {
            var url = server.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the loopback server did not start");
            return Variants.Select(v => (v, RunChild(v, calls, url.TrimEnd('/') + $"/drip/{stepMs}"))).ToList();
        }
        finally
        {
            server.StandardInput.Close();
            server.WaitForExit(10_000);
        }
    }

    public static string Report(IReadOnlyList<(string Variant, Sample Sample)> samples, int calls)
    {
        var lines = new List<string> { $"slow drip, {calls} concurrent status calls | latency p50 | p99     | threads | pool queue delay p50 | p99      | target                    | met" };
        var baseline = samples.Single(s => s.Variant == "raw-async").Sample;
        foreach (var (variant, s) in samples)
        {
            var target = variant == "library" ? "p50, p99 <= 1.10x raw-async" : "-";
            var met = variant == "library" ? s.P50Seconds <= baseline.P50Seconds * 1.1 && s.P99Seconds <= baseline.P99Seconds * 1.1 ? "yes" : "NO" : "-";
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"slow drip: {variant,-31} | {s.P50Seconds,9:0.00} s | {s.P99Seconds,5:0.00} s | {s.MaxThreads,7} | {s.QueueDelayP50Ms,17:0.0} ms | {s.QueueDelayP99Ms,5:0.0} ms | {target,-25} | {met}"));
        }

        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>--slow-drip VARIANT CALLS URL (the server's /drip/{stepMs}): one warm-up call, then CALLS at once; prints one JSON line.</summary>
    public static async Task<int> RunVariantAsync(string variant, int calls, string serverUrl)
    {
        var endpoint = new Uri(serverUrl.TrimEnd('/') + "/apis/");
        using var raw = new HttpClient(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };
        using var library = new AudioSeparationClient(new AudioSeparationClientOptions { ApiKey = "bench-key-0123456789", Endpoint = endpoint, AttemptTimeout = TimeSpan.FromMinutes(5) });
        var serializer = Newtonsoft.Json.JsonSerializer.Create();
        Func<Task> call = variant switch
        {
            "raw-async" => async () => Newtonsoft.Json.JsonConvert.DeserializeObject<OrchestratorPipelineResult>(
                await raw.GetStringAsync(new Uri(endpoint, "audio-separation/t-1")).ConfigureAwait(false)),
            // What NSwag's default stream mode did: deserialize straight from the network stream, synchronously.
            "raw-sync-read" => async () =>
            {
                using var response = await raw.GetAsync(new Uri(endpoint, "audio-separation/t-1"), HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                using var reader = new Newtonsoft.Json.JsonTextReader(new StreamReader(await response.Content.ReadAsStreamAsync().ConfigureAwait(false)));
                serializer.Deserialize<OrchestratorPipelineResult>(reader);
            },
            "library" => () => library.ResumeSeparation("t-1").UpdateStatusAsync(),
            _ => throw new ArgumentException($"unknown variant {variant}", nameof(variant)),
        };

        await call();
        using var probing = new CancellationTokenSource();
        var queueDelays = new List<double>();
        var maxThreads = 0;
        var probe = Task.Run(async () =>
        {
            while (!probing.IsCancellationRequested)
            {
                var queued = Stopwatch.GetTimestamp();
                var waited = await Task.Run(() => Stopwatch.GetElapsedTime(queued).TotalMilliseconds);
                queueDelays.Add(waited);
                maxThreads = Math.Max(maxThreads, ThreadPool.ThreadCount);
                await Task.Delay(10);
            }
        });

        var latencies = await Task.WhenAll(Enumerable.Range(0, calls).Select(async _ =>
        {
            await Task.Yield();
            var started = Stopwatch.GetTimestamp();
            await call();
            return Stopwatch.GetElapsedTime(started).TotalSeconds;
        }));
        await probing.CancelAsync();
        await probe;
        Array.Sort(latencies);
        queueDelays.Sort();
        Console.WriteLine(JsonSerializer.Serialize(new Sample(Percentile(latencies, 0.5), Percentile(latencies, 0.99), maxThreads,
            Percentile(queueDelays, 0.5), Percentile(queueDelays, 0.99))));
        return 0;
    }

    private static double Percentile(IReadOnlyList<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];

    private static Sample RunChild(string variant, int calls, string url) =>
        ChildProcesses.RunForJson<Sample>(["--slow-drip", variant, calls.ToString(CultureInfo.InvariantCulture), url]);
}
