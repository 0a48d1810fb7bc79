using System.Diagnostics;
using CambApi;
using CambApi.Simulator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CambApi.Consumer.Tests.WithSimulator;

// The README's library snippets ("Separate a file", "Step by step", "Dependency injection and telemetry"), each between "// docs: name" and "// docs: end", quoted verbatim
// (DocsTests in CambApi.Tests compares them). This project sees only the public surface, so a snippet that
// compiles here compiles for a reader; the ones that need no real key also run, on the simulator.

/// <summary>The README's library examples, compiled as a consumer's code and run where they need no real service.</summary>
[TestFixture]
public sealed class ReadmeExamples : InAudioFolder
{
    private CambSimulator _sim = null!;

    public ReadmeExamples()
        : base("interview.wav")
    {
    }

    [SetUp]
    public async Task Start() => _sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });

    [TearDown]
    public async Task Stop() => await _sim.DisposeAsync();

    /// <summary>Compiled, not run: it talks to the real service with a real key.</summary>
    internal static async Task OneCall(string apiKey)
    {
        // docs: one-call
        using var client = new AudioSeparationClient(apiKey);           // or new AudioSeparationClientOptions { ... }
        SeparatedFiles files = await client.SeparateFileAsync("interview.wav", "out");
        Console.WriteLine($"{files.ForegroundPath} / {files.BackgroundPath}");
        // docs: end
    }

    [Test]
    public async Task Progress_and_a_checkpoint_then_finishing_without_a_second_upload()
    {
        using var client = _sim.CreateClient();
        var store = new CheckpointStore();
        var cancellationToken = CancellationToken.None;

        // docs: progress-and-resume
        SeparatedFiles files = await client.SeparateFileAsync("interview.wav", "out", new SeparateFileOptions
        {
            Progress = new Progress<SeparateFileProgress>(p => Console.WriteLine(p.Status is { } s
                ? $"{s.Status} (next poll in {s.NextPollIn})"
                : $"{p.Step}: {p.Transfer?.Bytes} of {p.Transfer?.TotalBytes} bytes")),
            CheckpointReached = checkpoint => store.Save(checkpoint),    // the task id, then the run id: survives a restart
        }, cancellationToken);
        // docs: end

        Directory.Delete("out", recursive: true); // as if the process had died before the download

        // docs: finish
        SeparatedFiles again = await client.FinishSeparationAsync(store.Load(), "out", new SeparateFileOptions { OutputName = "interview" });
        // docs: end

        Assert.That(store.Load().RunId, Is.EqualTo(files.Result.RunId));
        Assert.That(again.ForegroundPath, Is.EqualTo(files.ForegroundPath));
        Assert.That(_sim.Uploads, Is.EqualTo(1));
    }

    [Test]
    public async Task Step_by_step_with_an_operation()
    {
        using var client = _sim.CreateClient();
        var cancellationToken = CancellationToken.None;

        // docs: operation
        SeparationOperation op = await client.StartSeparationAsync("interview.wav");
        SeparationResult result = await op.WaitForCompletionAsync(cancellationToken);
        SeparatedFiles files = await client.DownloadAsync(result, "out", "interview");

        var resumed = client.ResumeSeparation(op.TaskId);               // later, elsewhere, by the stored task id
        await resumed.UpdateStatusAsync();                               // or WaitForCompletionAsync()
        // docs: end

        Assert.That(File.Exists(files.BackgroundPath) && resumed.HasCompleted);
    }

    [Test]
    public void Dependency_injection_and_telemetry()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CambApi:ApiKey"] = "readme-example-key",
            ["CambApi:Endpoint"] = _sim.BaseAddress.ToString(),
        }).Build();
        var services = new ServiceCollection();
        var builder = new { Services = services };

        // docs: dependency-injection
        services.AddCambApi(configuration);          // binds the "CambApi" section: ApiKey, Endpoint, MaxWait, ...
        // returns the API client's IHttpClientBuilder: .AddHttpMessageHandler(...) as usual
        // then inject AudioSeparationClient (one shared, thread-safe instance)
        // docs: end

        // docs: telemetry
        builder.Services.AddOpenTelemetry()
            .WithTracing(t => t.AddSource(CambApiTelemetry.ActivitySourceName))
            .WithMetrics(m => m.AddMeter(CambApiTelemetry.MeterName));
        // docs: end

        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<AudioSeparationClient>(), Is.Not.Null);
        using var tracing = provider.GetRequiredService<TracerProvider>();
        using var probe = new ActivitySource(CambApiTelemetry.ActivitySourceName);
        Assert.That(probe.HasListeners(), Is.True, "the registration listens to the library's spans");
    }

    /// <summary>Where a reader would persist a checkpoint (a database row, a file); here, memory.</summary>
    private sealed class CheckpointStore
    {
        private SeparationCheckpoint? _last;

        public void Save(SeparationCheckpoint checkpoint) => _last = checkpoint;

        public SeparationCheckpoint Load() => _last ?? throw new InvalidOperationException("nothing stored");
    }
}
