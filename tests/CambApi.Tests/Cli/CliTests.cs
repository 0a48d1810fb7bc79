using System.Globalization;
using CambApi.Cli;
using CambApi.Simulator;
using Newtonsoft.Json.Linq;

namespace CambApi.Tests;

/// <summary>The camb CLI end to end, in-process, on the embedded simulator.</summary>
[TestFixture]
public sealed class CliTests
{
    private string _dir = null!;

    [SetUp]
    public void Dir() => _dir = Directory.CreateTempSubdirectory("cambapi-cli-").FullName;

    [TearDown]
    public void Clean() => Directory.Delete(_dir, true);

    private static Task<(int Exit, string Out, string Err)> Camb(params string[] args) => CliHarness.Camb(args);

    private string Wav(string name, int channels, int bits, int frames = 3000)
    {
        var max = (1 << (bits - 1)) - 1;
        var samples = Enumerable.Range(0, frames * channels).Select(i => (int)(Math.Sin(i * 0.013 * (1 + (i % channels))) * max * 0.7)).ToArray();
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, new PcmWav(16000, channels, bits, samples).ToBytes());
        return path;
    }

    [Test]
    public async Task Folder_of_mono_stereo_16_and_24_bit_with_concurrency_and_json()
    {
        var inputs = Directory.CreateDirectory(Path.Combine(_dir, "in")).FullName;
        foreach (var (channels, bits) in new[] { (1, 16), (2, 16), (1, 24), (2, 24) })
        {
            Wav(Path.Combine("in", $"c{channels}b{bits}.wav"), channels, bits);
        }

        File.WriteAllText(Path.Combine(inputs, "notes.txt"), "not audio: skipped in a folder");
        var output = Path.Combine(_dir, "out");

        var (exit, stdout, stderr) = await Camb("separate", inputs, "--simulate", "--out", output, "--json", "--concurrency", "3");

        Assert.That(exit, Is.EqualTo(0), stderr);
        var results = JArray.Parse(stdout);
        Assert.That(results, Has.Count.EqualTo(4));
        foreach (var result in results)
        {
            Assert.That(result["outcome"]!.Value<string>() == "ok" && result["sums_to_input"]!.Value<bool>(), result.ToString());
            var input = PcmWav.Read(File.ReadAllBytes(result["input"]!.Value<string>()!));
            var fg = PcmWav.Read(File.ReadAllBytes(result["foreground"]!.Value<string>()!));
            var bg = PcmWav.Read(File.ReadAllBytes(result["background"]!.Value<string>()!));
            Assert.That((fg.Channels, fg.BitsPerSample, bg.Channels, bg.BitsPerSample), Is.EqualTo((input.Channels, input.BitsPerSample, input.Channels, input.BitsPerSample)));
            Assert.That(fg.Samples.Select((s, i) => s + bg.Samples[i]), Is.EqualTo(input.Samples), "checked here too, not only by the CLI");
            Assert.That(Path.GetDirectoryName(result["foreground"]!.Value<string>()), Is.EqualTo(Path.GetFullPath(output)), "files stay in the output folder");
        }

        Assert.That(Directory.GetFiles(output).Where(f => !f.EndsWith(".camb-journal.jsonl", StringComparison.Ordinal)).ToList(), Has.Count.EqualTo(8), "two files per input and nothing else but the journal");
    }

    [Test]
    public async Task Human_output_says_where_the_files_are_and_that_they_sum_to_the_input()
    {
        var (exit, stdout, stderr) = await Camb("separate", Wav("talk.wav", 2, 16), "--simulate", "--out", Path.Combine(_dir, "out"));

        Assert.That(exit, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("foreground: ").And.Contain("talk.foreground.wav"));
        Assert.That(stdout, Does.Contain("check: foreground + background == input, sample for sample"));
        Assert.That(stderr, Does.Contain("talk.wav: uploaded").And.Contain("talk.wav: SUCCESS"), "plain progress lines when not on a terminal");
    }

    [Test]
    public async Task On_a_terminal_bars_show_each_files_upload_processing_and_download_to_the_end()
    {
        using var output = new StringWriter();
        using var screen = new StringWriter();
        var ansi = new Lazy<Spectre.Console.IAnsiConsole>(() => Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(screen),
            Ansi = Spectre.Console.AnsiSupport.Yes,
            ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
            Interactive = Spectre.Console.InteractionSupport.Yes,
        }));
        var terminal = new CliConsole(output, TextWriter.Null, ansi, Interactive: true);

        var wav = Wav("talk.wav", 1, 16, frames: 40_000);
        var exit = await CambCli.RunAsync(["separate", wav, "--simulate", "--out", Path.Combine(_dir, "out")], terminal);

        Assert.That(exit, Is.EqualTo(0), output.ToString());
        // The last frame the bars drew, without the terminal's control sequences.
        var frames = System.Text.RegularExpressions.Regex.Replace(screen.ToString(), @"\x1b\[[0-9;?]*[A-Za-z]", "\n");
        var last = frames[frames.LastIndexOf("talk.wav upload", StringComparison.Ordinal)..];
        Assert.Multiple(() =>
        {
            Assert.That(last, Does.Match(@"talk\.wav upload\s.*100%"), last);
            Assert.That(last, Does.Match(@"talk\.wav SUCCESS [0-9.]+ s\s.*100%"), last);
            Assert.That(last, Does.Match(@"talk\.wav download\s.*100% " + string.Create(CultureInfo.InvariantCulture, $"{2 * new FileInfo(wav).Length / 1024.0:0.0}") + " KiB"),
                "both tracks' bytes, as the download reported them: " + last);
        });
    }

    [Test]
    public async Task Partial_success_in_a_batch()
    {
        var good = Wav("good.wav", 1, 16);
        var bad = Path.Combine(_dir, "bad.wav");
        File.WriteAllBytes(bad, "RIFF0000WAVEnothing"u8.ToArray());

        var (exit, stdout, _) = await Camb("separate", good, bad, "--simulate", "--out", Path.Combine(_dir, "out"), "--json");

        Assert.That(exit, Is.EqualTo(3));
        var results = JArray.Parse(stdout);
        Assert.That(results.Single(r => r["input"]!.Value<string>() == bad)["error"]!["message"]!.Value<string>(), Does.Contain("INVALID_SOURCE_DATA"));
    }

    [Test]
    public async Task All_failed_is_a_failure()
    {
        var bad = Path.Combine(_dir, "bad.wav");
        File.WriteAllBytes(bad, "RIFF0000WAVEnothing"u8.ToArray());

        var (exit, _, _) = await Camb("separate", bad, "--simulate", "--out", Path.Combine(_dir, "out"));

        Assert.That(exit, Is.EqualTo(1));
    }

    [TestCase("missing")]
    [TestCase("unsupported")]
    [TestCase("unwritable")]
    [TestCase("empty")]
    [TestCase("concurrency")]
    [TestCase("no-inputs")]
    [TestCase("unknown-option")]
    public async Task Bad_usage_gives_exit_2_and_one_clear_line(string problem)
    {
        var wav = Wav("ok.wav", 1, 16, 10);
        var notAFolder = Path.Combine(_dir, "file-not-folder");
        File.WriteAllText(notAFolder, "x");
        var empty = Path.Combine(_dir, "empty.wav");
        File.WriteAllBytes(empty, []);
        var ogg = Path.Combine(_dir, "song.ogg");
        File.WriteAllBytes(ogg, [1]);
        var outDir = Path.Combine(_dir, "out");
        var (args, expected) = problem switch
        {
            "missing" => (new[] { "separate", Path.Combine(_dir, "nope.wav"), "--simulate", "--out", outDir }, "does not exist"),
            "unsupported" => (new[] { "separate", ogg, "--simulate", "--out", outDir }, "not a supported format (.ogg); supported: WAV, MP3, FLAC, AAC"),
            "unwritable" => (new[] { "separate", wav, "--simulate", "--out", Path.Combine(notAFolder, "sub") }, "is not writable"),
            "empty" => (new[] { "separate", empty, "--simulate", "--out", outDir }, "is empty"),
            "concurrency" => (new[] { "separate", wav, "--simulate", "--out", outDir, "--concurrency", "0" }, "--concurrency must be at least 1"),
            "no-inputs" => (new[] { "separate", "--simulate" }, "camb: "),
            _ => (new[] { "separate", wav, "--frobnicate" }, "--frobnicate"),
        };

        var (exit, stdout, stderr) = await Camb(args);

        Assert.That(exit, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.StartWith("camb: ").And.Contain(expected));
        Assert.That(stdout, Is.Empty);
    }

    [Test]
    public async Task Status_result_and_results_against_a_running_simulator_never_print_the_key_or_signatures()
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });
        using var client = sim.CreateClient();
        var operation = await client.StartSeparationAsync(Wav("s.wav", 2, 16));
        var result = await operation.WaitForCompletionAsync();
        var common = new[] { "--base-url", sim.BaseAddress.ToString(), "--api-key", sim.ApiKey };

        var status = await Camb(["status", operation.TaskId, .. common]);
        var one = await Camb(["result", result.RunId.ToString(), .. common, "--json"]);
        var many = await Camb(["results", result.RunId.ToString(), "999999", .. common]);

        Assert.That(status.Exit, Is.EqualTo(0), status.Err);
        Assert.That(status.Out, Does.Contain($"{operation.TaskId}: SUCCESS (run {result.RunId})"));
        Assert.That(one.Exit, Is.EqualTo(0), one.Err);
        Assert.That(JArray.Parse(one.Out).Single()["foreground"]!.Value<string>(), Does.EndWith($"/files/{result.RunId}/foreground.wav"));
        Assert.That(many.Exit, Is.EqualTo(3), "one of two runs is unknown: partial success");
        Assert.That(many.Err, Does.Contain("no result for run 999999"));
        foreach (var text in new[] { status.Out, status.Err, one.Out, one.Err, many.Out, many.Err })
        {
            Assert.That(text, Does.Not.Contain(sim.ApiKey).And.Not.Contain("signature="));
        }
    }

    [Test]
    public async Task Run_ids_past_32_bits_reach_the_service_whole()
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });
        var common = new[] { "--base-url", sim.BaseAddress.ToString(), "--api-key", sim.ApiKey };

        var one = await Camb(["result", "3000000000", .. common]);
        var many = await Camb(["results", "3000000000", "9007199254740993", .. common]);

        Assert.That(one.Exit, Is.EqualTo(1), one.Err);
        Assert.That(one.Err, Does.Contain("404").And.Not.Contain("   at "), "an unknown run is a one-line failure, not a crash");
        Assert.That(many.Exit, Is.EqualTo(1), many.Err);
        Assert.That(many.Err, Does.Contain("no result for run 3000000000").And.Contain("no result for run 9007199254740993"));
    }

    [Test]
    public async Task Missing_key_is_bad_usage_with_a_clear_line()
    {
        var previous = Environment.GetEnvironmentVariable("CAMB_API_KEY");
        Environment.SetEnvironmentVariable("CAMB_API_KEY", null);
        try
        {
            var (exit, _, stderr) = await Camb("status", "abc", "--base-url", "http://127.0.0.1:9/apis/");
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(stderr, Does.Contain("CambApi:ApiKey").And.Contain("CAMB_API_KEY"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CAMB_API_KEY", previous);
        }
    }

    [Test]
    public async Task Simulate_prints_a_base_url_and_key_that_work_until_cancelled()
    {
        using var output = new SignallingWriter("CAMB_API_KEY=");
        using var cancel = new CancellationTokenSource();
        var run = CambCli.RunAsync(["simulate"], CliConsole.Plain(output, TextWriter.Null), cancellationToken: cancel.Token);

        await output.Seen.WaitAsync(TimeSpan.FromSeconds(30));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        using (var client = new AudioSeparationClient(new AudioSeparationClientOptions { ApiKey = lines["CAMB_API_KEY"], Endpoint = new Uri(lines["CAMB_BASE_URL"]) }))
        {
            var error = await Assert.CatchAsync<CambApi.Client.CambApiException>(() => client.GetResultAsync(1));
            Assert.That(error!.StatusCode, Is.EqualTo(404), "the key was accepted (401 otherwise) and run 1 does not exist");
        }

        await cancel.CancelAsync();
        Assert.That(await run, Is.EqualTo(0));
    }

    /// <summary>Completes <see cref="Seen"/> once the text written so far contains a marker line.</summary>
    private sealed class SignallingWriter(string marker) : StringWriter
    {
        private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Seen => _seen.Task;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (ToString().Contains(marker, StringComparison.Ordinal))
            {
                _seen.TrySetResult();
            }
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }
    }
}
