using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CambApi.Benchmarks;

/// <summary>
/// Transfers at disk and network speed: both tracks downloaded, one file uploaded, by a raw HttpClient and by the library,
/// against a loopback server in another process. Each variant runs in a process of its own so that its throughput,
/// allocations, CPU time and peak working set are its own (BenchmarkDotNet's in-process diagnosers would see the
/// server's work too, and cannot report a per-variant peak working set). A few small transfers first warm up JIT,
/// pools and the connection; only the measured transfer counts.
/// </summary>
public static class TransferMeasures
{
    private const long MiB = 1 << 20;

    /// <summary>One variant's measured transfer.</summary>
    public sealed record Sample(double Seconds, double CpuSeconds, long AllocatedBytes, long PeakWorkingSetBytes, long Bytes)
    {
        public double MegabytesPerSecond => Bytes / 1e6 / Seconds;
    }

    public sealed record Measure(string Name, string Variant, long TotalBytes, Sample Sample);

    /// <summary>Total bytes per direction: a small and a large transfer, to see allocations stay flat.</summary>
    public static readonly long[] Sizes = [100 * MiB, 1024 * MiB];

    private static readonly string[] DownloadVariants = ["download-raw", "download-raw-parallel", "download-library"];
    private static readonly string[] UploadVariants = ["upload-raw", "upload-library"];

    /// <summary>Runs every variant at every size (<paramref name="repetitions"/> processes each, the median kept).</summary>
    /// <param name="smoke">One warm-up of 1 MiB instead of three of 8 MiB: proves the measure runs, measures nothing.</param>
    public static IReadOnlyList<Measure> Run(int repetitions, IReadOnlyList<long>? sizes = null, bool smoke = false)
    {
        var work = Directory.CreateTempSubdirectory("cambapi-transfers-");
        using var server = ChildProcesses.Start(["--serve"]);
        try
        {
            var url = server.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the transfer server did not start");
            var measures = new List<Measure>();
            foreach (var size in sizes ?? Sizes)
            {
                var upload = Path.Combine(work.FullName, "upload.wav");
                WriteFile(upload, size);
                foreach (var variant in DownloadVariants.Concat(UploadVariants))
                {
                    var samples = Enumerable.Range(0, repetitions).Select(_ => RunChild(variant, size, url, work.FullName, smoke ? 1 : WarmUps, smoke ? MiB : WarmUpBytes)).OrderBy(s => s.Seconds).ToList();
                    measures.Add(new Measure(variant.StartsWith("download", StringComparison.Ordinal) ? "download" : "upload", variant, size, samples[samples.Count / 2]));
                }

                File.Delete(upload);
            }

            return measures;
        }
        finally
        {
            server.StandardInput.Close(); // the server stops when its input closes
            server.WaitForExit(10_000);
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// --serve: the loopback server of the transfer and slow-drip measures. GET /blob/{bytes} streams that many bytes;
    /// GET /drip/{stepMs}/apis/audio-separation/{id} answers a 300-byte status 4 bytes every stepMs; POST anything is read and discarded.
    /// Prints its address, stops when its input closes.
    /// </summary>
    public static async Task<int> ServeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0").ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var chunk = new byte[MiB];
        new Random(1).NextBytes(chunk);
        app.MapGet("/blob/{bytes:long}", async (long bytes, HttpContext context) =>
        {
            context.Response.ContentLength = bytes;
            context.Response.ContentType = "audio/wav";
            for (var left = bytes; left > 0; left -= chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)), context.RequestAborted);
            }
        });
        app.MapGet("/drip/{stepMs:int}/apis/audio-separation/{id}", async (int stepMs, HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = SlowDripMeasures.Body.Length;
            for (var i = 0; i < SlowDripMeasures.Body.Length; i += 4)
            {
                await context.Response.Body.WriteAsync(SlowDripMeasures.Body.AsMemory(i, Math.Min(4, SlowDripMeasures.Body.Length - i)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(stepMs, context.RequestAborted);
            }
        });
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            var buffer = new byte[MiB];
            while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
            {
            }

            return Results.Text("""{"task_id":"t-bench"}""", "application/json");
        });
        await app.StartAsync();
        Console.WriteLine(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }

    private const int WarmUps = 3;
    private const long WarmUpBytes = 8 * MiB;

    /// <summary>--transfer VARIANT BYTES URL DIR WARMUPS WARMUPBYTES: the warm-ups, then the measured transfer; prints one JSON line.</summary>
    public static async Task<int> RunVariantAsync(string variant, long bytes, string serverUrl, string directory, int warmUps, long warmUpBytes)
    {
        var server = new Uri(serverUrl.TrimEnd('/') + "/");
        await using var transfer = new Transfer(server, directory);
        for (var i = 0; i < warmUps; i++)
        {
            await transfer.RunAsync(variant, warmUpBytes, isWarmUp: true);
        }

        // Let tiered compilation finish what the warm-ups queued (its allocations are not the transfer's).
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        using var process = Process.GetCurrentProcess();
        var (allocated, cpu) = (GC.GetTotalAllocatedBytes(precise: true), process.TotalProcessorTime);
        var started = Stopwatch.GetTimestamp();
        await transfer.RunAsync(variant, bytes);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var allocatedNow = GC.GetTotalAllocatedBytes(precise: true);
        process.Refresh();
        Console.WriteLine(JsonSerializer.Serialize(new Sample(seconds, (process.TotalProcessorTime - cpu).TotalSeconds, allocatedNow - allocated, process.PeakWorkingSet64, bytes)));
        return 0;
    }

    private static Sample RunChild(string variant, long bytes, string url, string directory, int warmUps, long warmUpBytes) =>
        ChildProcesses.RunForJson<Sample>(["--transfer", variant, bytes.ToString(CultureInfo.InvariantCulture), url, directory,
            warmUps.ToString(CultureInfo.InvariantCulture), warmUpBytes.ToString(CultureInfo.InvariantCulture)]);

    private static void WriteFile(string path, long bytes)
    {
        var chunk = new byte[MiB];
        new Random(2).NextBytes(chunk);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        for (var left = bytes; left > 0; left -= chunk.Length)
        {
            file.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
        }
    }

    /// <summary>The variants: what a careful user writes with HttpClient, and the library's call for the same job.</summary>
    private sealed class Transfer(Uri server, string directory) : IAsyncDisposable
    {
        private readonly HttpClient _raw = new(new SocketsHttpHandler());
        private readonly AudioSeparationClient _library = new(new AudioSeparationClientOptions { ApiKey = "bench-key-0123456789", Endpoint = new Uri(server, "apis/") });
        private readonly LastValue<TransferProgress> _downloadProgress = new();
        private readonly LastValue<long> _uploadProgress = new();

        public async Task RunAsync(string variant, long totalBytes, bool isWarmUp = false)
        {
            var upload = Path.Combine(directory, "upload.wav");
            if (variant.StartsWith("upload", StringComparison.Ordinal) && isWarmUp)
            {
                upload = Path.Combine(directory, $"warm-up-{Environment.ProcessId}.wav");
                WriteFile(upload, totalBytes);
            }

            var track = totalBytes / 2; // a download moves two tracks of half the total each
            var (foreground, background) = (new Uri(server, $"blob/{track}?X-Amz-Signature=s"), new Uri(server, $"blob/{track}?X-Amz-Signature=s"));
            var output = Directory.CreateTempSubdirectory($"{variant}-").FullName;
            try
            {
                switch (variant)
                {
                    case "download-raw":
                        await RawDownloadAsync(foreground, Path.Combine(output, "fg.wav"));
                        await RawDownloadAsync(background, Path.Combine(output, "bg.wav"));
                        break;
                    case "download-raw-parallel":
                        await Task.WhenAll(RawDownloadAsync(foreground, Path.Combine(output, "fg.wav")), RawDownloadAsync(background, Path.Combine(output, "bg.wav")));
                        break;
                    case "download-library":
                        await _library.DownloadAsync(new SeparationResult(7, foreground, background), output, "take", _downloadProgress);
                        break;
                    case "upload-raw":
                        await RawUploadAsync(upload);
                        break;
                    case "upload-library":
                        await _library.StartSeparationAsync(upload, new SeparationStartOptions { UploadProgress = _uploadProgress });
                        break;
                    default:
                        throw new ArgumentException($"unknown variant {variant}", nameof(variant));
                }
            }
            finally
            {
                Directory.Delete(output, recursive: true);
                if (isWarmUp && variant.StartsWith("upload", StringComparison.Ordinal))
                {
                    File.Delete(upload);
                }
            }
        }

        private async Task RawDownloadAsync(Uri url, string path)
        {
            using var response = await _raw.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            await using var file = File.Create(path);
            await body.CopyToAsync(file);
        }

        private async Task RawUploadAsync(string path)
        {
            await using var file = File.OpenRead(path);
            using var form = new MultipartFormDataContent { { new StreamContent(file), "media_file", Path.GetFileName(path) } };
            using var response = await _raw.PostAsync(new Uri(server, "apis/audio-separation"), form);
            response.EnsureSuccessStatusCode();
        }

        public ValueTask DisposeAsync()
        {
            _raw.Dispose();
            _library.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Progress "on" at no cost of its own: the last value, kept (Progress&lt;T&gt; would post each report to the pool).</summary>
    private sealed class LastValue<T> : IProgress<T>
    {
        public T? Value { get; private set; }

        public void Report(T value) => Value = value;
    }
}
