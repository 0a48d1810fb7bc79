using System.Net.Http.Headers;
using System.Text;
using CambApi.Client;
using CambApi.Cli;
using CambApi.Simulator;
using Newtonsoft.Json.Linq;

namespace CambApi.Tests;

/// <summary>
/// The simulator's scenarios (from C#, a file and the <c>camb simulate</c> flags), its content-based decoding and
/// its traffic log.
/// </summary>
[TestFixture]
public sealed class SimulatorScenarioTests
{
    private static readonly byte[] Wav = TestAudio.Wav();

    private static async Task<JObject> UploadAndWait(CambSimulator sim, string fileName, byte[] bytes)
    {
        using var http = new HttpClient { BaseAddress = sim.BaseAddress };
        http.DefaultRequestHeaders.Add(ApiKey.HeaderName, sim.ApiKey);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "media_file", fileName } };
        using var created = await http.PostAsync(new Uri("audio-separation", UriKind.Relative), form);
        var taskId = (string)JObject.Parse(await created.Content.ReadAsStringAsync())["task_id"]!;
        return JObject.Parse(await http.GetStringAsync(new Uri($"audio-separation/{taskId}", UriKind.Relative)));
    }

    // --- content, not the name, decides (the SDKs send a buffer as "blob") ---

    [TestCase("blob", "SUCCESS", null)]
    [TestCase("take", "SUCCESS", null)]
    [TestCase("take.WAV", "SUCCESS", null)]
    [TestCase("clip.mp3", "ERROR", "CONTENT_DOES_NOT_MATCH_EXTENSION")]
    [TestCase("clip.flac", "ERROR", "CONTENT_DOES_NOT_MATCH_EXTENSION")]
    public async Task A_wav_is_judged_by_its_bytes(string fileName, string status, string? reason)
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });

        var result = await UploadAndWait(sim, fileName, Wav);

        Assert.That(((string?)result["status"], (string?)result["exception_reason"]), Is.EqualTo((status, reason)), result.ToString());
    }

    [TestCase("noise.wav", "not audio at all", "INVALID_SOURCE_DATA")]
    [TestCase("blob", "not audio at all", "INVALID_SOURCE_DATA")]
    [TestCase("take.ogg", "OggS\0\u0002", "SOURCE_TYPE_NOT_SUPPORTED")]
    [TestCase("take.wav", "OggS\0\u0002", "CONTENT_DOES_NOT_MATCH_EXTENSION")]
    [TestCase("broken.wav", "RIFF\u0004\0\0\0WAVEfmt ", "INVALID_SOURCE_DATA")]
    public async Task Bytes_that_are_not_usable_audio_end_in_the_services_reason(string fileName, string content, string reason)
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });

        var result = await UploadAndWait(sim, fileName, Encoding.Latin1.GetBytes(content));

        Assert.That(((string?)result["status"], (string?)result["exception_reason"]), Is.EqualTo(("ERROR", reason)), result.ToString());
    }

    [Test]
    public async Task Mp3_without_ffmpeg_is_refused_and_says_why()
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero, UseFfmpeg = false });

        var result = await UploadAndWait(sim, "song.mp3", [0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0]);

        Assert.That((string?)result["exception_reason"], Is.EqualTo("SOURCE_TYPE_NOT_SUPPORTED"));
        Assert.That((string?)result["message"], Does.Contain("needs ffmpeg"));
    }

    [TestCase(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45 }, "Wav")]
    [TestCase(new byte[] { 0x66, 0x4C, 0x61, 0x43, 0, 0, 0, 0x22 }, "Flac")]
    [TestCase(new byte[] { 0xFF, 0xFB, 0x90, 0x64 }, "Mp3")]
    [TestCase(new byte[] { 0xFF, 0xF3, 0x90, 0x64 }, "Mp3")]
    [TestCase(new byte[] { 0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 2, 0, 0, 0xFF, 0xFB, 0x90 }, "Mp3")]
    [TestCase(new byte[] { 0xFF, 0xF1, 0x50, 0x80 }, "Aac")]
    [TestCase(new byte[] { 0xFF, 0xF9, 0x50, 0x80 }, "Aac")]
    [TestCase(new byte[] { 0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x4D, 0x34, 0x41, 0x20 }, "Aac")]
    [TestCase(new byte[] { 0x4F, 0x67, 0x67, 0x53, 0, 2 }, "Unsupported")]
    [TestCase(new byte[] { 0xFF, 0xE0, 0, 0 }, "Unknown")]
    [TestCase(new byte[] { 0x7B, 0x22 }, "Unknown")]
    public void Formats_are_sniffed_from_their_first_bytes(byte[] head, string format) =>
        Assert.That(AudioSniffer.Sniff(head).ToString(), Is.EqualTo(format));

    // --- scenarios ---

    [Test]
    public void Every_matching_rule_applies_in_order_and_patterns_ignore_case()
    {
        var scenario = new SimulatorScenario()
            .For("*", o => o with { BusyPolls = 2 })
            .For("noisy-*.wav", o => o with { Status = "ERROR", ExceptionReason = "HARMFUL_CONTENT_DETECTED" })
            .For("noisy-2.wav", o => o with { BusyPolls = 0 });

        Assert.Multiple(() =>
        {
            Assert.That(scenario.OutcomeFor("clean.wav"), Is.EqualTo(SimulatedOutcome.Success with { BusyPolls = 2 }));
            Assert.That(scenario.OutcomeFor("NOISY-1.WAV"), Is.EqualTo(SimulatedOutcome.Failure("ERROR", "HARMFUL_CONTENT_DETECTED") with { BusyPolls = 2 }));
            Assert.That(scenario.OutcomeFor("noisy-2.wav").BusyPolls, Is.Zero);
        });
    }

    [Test]
    public void A_scenario_file_reads_into_the_same_rules()
    {
        var scenario = SimulatorScenario.Parse("""
            {
              // comments and trailing commas are fine
              "processingTime": "3s",
              "urlLifetime": "2m",
              "files": [
                { "match": "*", "busyPolls": 1, "retryAfter": "2s" },
                { "match": "long-*.wav", "status": "TIMEOUT", "reason": "SOURCE_TOO_LONG", "message": "processing exceeded time limit", "processingTime": "1m" },
                { "match": "flaky.wav", "resetPolls": 1, "stallPolls": 1, "truncatedPolls": 1, "unavailableUploads": 2, "latency": "500ms" },
              ],
              "storageFaults": ["403", "reset-after:65536", "stall-after:10"],
            }
            """);

        var options = scenario.ApplyTo(new SimulatorOptions());

        Assert.Multiple(() =>
        {
            Assert.That((options.ProcessingTime, options.UrlLifetime), Is.EqualTo((TimeSpan.FromSeconds(3), TimeSpan.FromMinutes(2))));
            Assert.That(options.StorageFaults.Select(f => f.ToString()), Is.EqualTo(new[] { "403", "reset-after:65536", "stall-after:10" }));
            Assert.That(options.Scenario!("long-take.wav"), Is.EqualTo(new SimulatedOutcome
            {
                Status = "TIMEOUT", ExceptionReason = "SOURCE_TOO_LONG", Message = "processing exceeded time limit",
                ProcessingTime = TimeSpan.FromMinutes(1), BusyPolls = 1, RetryAfterSeconds = 2,
            }));
            Assert.That(options.Scenario!("flaky.wav"), Is.EqualTo(new SimulatedOutcome
            {
                ResetPolls = 1, StallPolls = 1, TruncatedPolls = 1, UnavailableUploads = 2, AddedLatency = TimeSpan.FromMilliseconds(500),
                BusyPolls = 1, RetryAfterSeconds = 2,
            }));
        });
    }

    [TestCase("""{ "files": [ { "match": "*", "busyPoll": 1 } ] }""", "busyPoll")]
    [TestCase("""{ "processingTime": "5" }""", "processingTime: '5' has no unit")]
    [TestCase("""{ "files": [ { "latency": "soon" } ] }""", "files[0]: latency: 'soon' is not a duration")]
    [TestCase("""{ "storageFaults": ["reset:10"] }""", "storageFaults[0]: 'reset:10' is not a storage fault")]
    [TestCase("""{ "files": [ """, "scenario.json:")]
    public void A_bad_scenario_file_names_the_place(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => SimulatorScenario.Parse(json, "scenario.json"));
        Assert.That(error.Message, Does.StartWith("scenario.json: ").And.Contain(expected));
    }

    [Test]
    public async Task A_truncated_poll_reaches_the_client_as_an_unreadable_answer_then_the_next_poll_is_whole()
    {
        var options = new SimulatorScenario { ProcessingTime = TimeSpan.Zero }
            .For("*", o => o with { TruncatedPolls = 1 })
            .ApplyTo(new SimulatorOptions());
        await using var sim = await CambSimulator.StartAsync(options);
        var rest = CambApiRestClient.Create(sim.ApiKey, sim.BaseAddress);
        using var form = new MemoryStream(Wav);
        var task = await rest.CreateAudioSeparationAsync(media_file: new FileParameter(form, "take.wav"));

        var error = await Assert.CatchAsync<CambApiException>(() => rest.GetAudioSeparationStatusAsync(task.TaskId!));
        var status = await rest.GetAudioSeparationStatusAsync(task.TaskId!);

        Assert.That(error.IsUnreadableAnswer, Is.True, error.Message);
        Assert.That(status.Status, Is.EqualTo(SeparationStatus.Success));
    }

    // --- traffic, for consumers' assertions ---

    [Test]
    public async Task Traffic_is_recorded_with_the_key_redacted()
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });
        using var client = sim.CreateClient();
        var path = Path.Combine(Directory.CreateTempSubdirectory("cambapi-traffic-").FullName, "take.wav");
        await File.WriteAllBytesAsync(path, Wav);

        await client.SeparateFileAsync(path, Path.GetDirectoryName(path)!);

        var requests = sim.Requests;
        var upload = requests.Single(r => r.Method == "POST");
        Assert.Multiple(() =>
        {
            Assert.That((upload.Host, upload.Path, upload.FileName, upload.FileLength, upload.StatusCode),
                Is.EqualTo((SimulatorHost.Api, "/apis/audio-separation", "take.wav", (long?)Wav.Length, 200)));
            Assert.That(upload.Headers[ApiKey.HeaderName], Is.EqualTo(RecordedRequest.Redacted));
            Assert.That(requests.Count(r => r.Path.StartsWith("/apis/audio-separation/", StringComparison.Ordinal)), Is.EqualTo(sim.StatusPolls));
            Assert.That(requests.Where(r => r.Host == SimulatorHost.Storage).Select(r => r.Query).ToList(), Has.Count.EqualTo(2).And.All.Empty);
            Assert.That(requests.Where(r => r.Host == SimulatorHost.Storage).Select(r => r.Headers.ContainsKey(ApiKey.HeaderName)), Is.All.False);
            Assert.That(string.Join("\n", requests.SelectMany(r => r.Headers.Values.Append(r.Query))), Does.Not.Contain(sim.ApiKey));
        });
    }

    // --- the same scenarios from the command line ---

    [Test]
    public void Simulate_flags_refine_the_file_in_order()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("cambapi-scenario-").FullName, "scenario.json");
        File.WriteAllText(file, """{ "processingTime": "3s", "files": [ { "match": "*.wav", "stallPolls": 1 } ], "storageFaults": ["500"] }""");

        var scenario = Cli.Commands.SimulateCommand.BuildScenario(new Cli.Commands.SimulateRequest(
            file, TimeSpan.FromSeconds(5), null, ["noisy-*=error:HARMFUL_CONTENT_DETECTED:flagged", "quiet.wav=PAYMENT_REQUIRED"],
            BusyPolls: 2, UnavailableUploads: null, ResetPolls: null, StallPolls: null, TruncatedPolls: null, RetryAfter: TimeSpan.FromSeconds(3),
            StorageFaults: ["403", "stall-after:100"]));

        Assert.Multiple(() =>
        {
            Assert.That(scenario.ProcessingTime, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(scenario.StorageFaults.Select(f => f.ToString()), Is.EqualTo(new[] { "500", "403", "stall-after:100" }));
            Assert.That(scenario.OutcomeFor("noisy-1.wav"), Is.EqualTo(new SimulatedOutcome
            {
                Status = "ERROR", ExceptionReason = "HARMFUL_CONTENT_DETECTED", Message = "flagged", StallPolls = 1, BusyPolls = 2, RetryAfterSeconds = 3,
            }));
            Assert.That(scenario.OutcomeFor("quiet.wav"), Is.EqualTo(new SimulatedOutcome { Status = "PAYMENT_REQUIRED", StallPolls = 1, BusyPolls = 2, RetryAfterSeconds = 3 }));
        });
    }

    [TestCase("--outcome", "noisy.wav", "--outcome: 'noisy.wav' is not PATTERN=STATUS")]
    [TestCase("--outcome", "noisy.wav=", "--outcome: 'noisy.wav=' is not PATTERN=STATUS")]
    [TestCase("--storage-fault", "teapot", "--storage-fault: 'teapot' is not a storage fault")]
    [TestCase("--scenario", "/no/such/scenario.json", "--scenario: /no/such/scenario.json does not exist")]
    [TestCase("--busy-polls", "lots", "--busy-polls: 'lots' is not a whole number")]
    public async Task Simulate_refuses_a_bad_flag_in_one_line(string flag, string value, string expected)
    {
        var (exit, stdout, stderr) = await CliHarness.Camb("simulate", flag, value);

        Assert.That((exit, stdout), Is.EqualTo((2, "")));
        Assert.That(stderr, Does.StartWith("camb: " + expected).And.Not.Contain("Exception"));
    }

    [Test]
    public async Task Camb_simulate_plays_an_ERROR_with_a_reason_for_the_files_it_names()
    {
        var dir = Directory.CreateTempSubdirectory("cambapi-simulate-").FullName;
        await File.WriteAllBytesAsync(Path.Combine(dir, "noisy-take.wav"), Wav);
        await File.WriteAllBytesAsync(Path.Combine(dir, "clean.wav"), Wav);
        using var stop = new CancellationTokenSource();
        var simOut = new LineSignal("CAMB_API_KEY=");
        using var simErr = new StringWriter();
        var simulate = CambCli.RunAsync(
            ["simulate", "--outcome", "noisy-*.wav=ERROR:HARMFUL_CONTENT_DETECTED:Harmful content detected", "--processing-time", "100ms"],
            CliConsole.Plain(simOut, simErr), cancellationToken: stop.Token);
        var variables = (await simOut.Seen.WaitAsync(TimeSpan.FromSeconds(30))).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim().Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);

        var (exit, _, stderr) = await CliHarness.Camb("separate", Path.Combine(dir, "noisy-take.wav"), Path.Combine(dir, "clean.wav"),
            "--out", Path.Combine(dir, "out"), "--base-url", variables["CAMB_BASE_URL"], "--api-key", variables["CAMB_API_KEY"]);
        await stop.CancelAsync();

        Assert.That(await simulate, Is.Zero);
        Assert.That(exit, Is.EqualTo(3), stderr);
        Assert.That(stderr, Does.Contain("camb: noisy-take.wav: the service could not separate it: ERROR (HARMFUL_CONTENT_DETECTED): Harmful content detected"));
        Assert.That(File.Exists(Path.Combine(dir, "out", "clean.foreground.wav")), Is.True);
        Assert.That(simErr.ToString(), Does.Contain("noisy-take.wav -> task").And.Contain("(will end in ERROR: HARMFUL_CONTENT_DETECTED)"));
        Directory.Delete(dir, true);
    }

    /// <summary>A writer that completes <see cref="Seen"/> with everything written once a line containing a marker ends.</summary>
    private sealed class LineSignal(string marker) : StringWriter
    {
        private readonly TaskCompletionSource<string> _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> Seen => _seen.Task;

        public override void Write(char value)
        {
            base.Write(value);
            var text = ToString();
            if (value == '\n' && text.Contains(marker, StringComparison.Ordinal))
            {
                _seen.TrySetResult(text);
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? "")
            {
                Write(c);
            }
        }
    }
}
