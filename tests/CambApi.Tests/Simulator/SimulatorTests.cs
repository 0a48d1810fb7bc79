using CambApi.Simulator;

namespace CambApi.Tests;

/// <summary>The simulator end to end through the public client: real separation, exact sums, storage rules.</summary>
[TestFixture]
public sealed class SimulatorTests
{
    private CambSimulator _sim = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public async Task Start() => _sim = await CambSimulator.StartAsync(new SimulatorOptions
    {
        ProcessingTime = TimeSpan.Zero,
        Scenario = name => name.StartsWith("fail", StringComparison.Ordinal)
            ? SimulatedOutcome.Failure("ERROR", "HARMFUL_CONTENT_DETECTED", "flagged")
            : new SimulatedOutcome(),
    });

    [OneTimeTearDown]
    public async Task Stop() => await _sim.DisposeAsync();

    [SetUp]
    public void Dir() => _dir = Directory.CreateTempSubdirectory("cambapi-sim-").FullName;

    [TearDown]
    public void Clean() => Directory.Delete(_dir, true);

    private static PcmWav Tone(int channels, int bits, int frames = 8000)
    {
        var rng = new Random(channels * 100 + bits);
        var max = (1 << (bits - 1)) - 1;
        var samples = new int[frames * channels];
        for (var i = 0; i < samples.Length; i++)
        {
            // Mostly music-like values, with full-scale extremes mixed in to probe clipping.
            samples[i] = i % 97 == 0 ? (i % 2 == 0 ? max : -max - 1) : (int)(Math.Sin(i * 0.05) * max * 0.6) + rng.Next(-max / 10, max / 10);
        }

        return new PcmWav(22050, channels, bits, samples);
    }

    [TestCase(1, 16)]
    [TestCase(2, 16)]
    [TestCase(1, 24)]
    [TestCase(2, 24)]
    public async Task Wav_is_separated_into_two_valid_files_that_sum_to_the_input(int channels, int bits)
    {
        var input = Tone(channels, bits);
        var path = Path.Combine(_dir, $"in-{channels}-{bits}.wav");
        await File.WriteAllBytesAsync(path, input.ToBytes());
        using var client = _sim.CreateClient();

        var files = await client.SeparateFileAsync(path, Path.Combine(_dir, "out"));

        var fg = PcmWav.Read(await File.ReadAllBytesAsync(files.ForegroundPath));
        var bg = PcmWav.Read(await File.ReadAllBytesAsync(files.BackgroundPath));
        Assert.Multiple(() =>
        {
            Assert.That((fg.Channels, fg.BitsPerSample, fg.SampleRate), Is.EqualTo((channels, bits, 22050)));
            Assert.That((bg.Channels, bg.BitsPerSample, bg.SampleRate), Is.EqualTo((channels, bits, 22050)));
            Assert.That(fg.Samples.Select((s, i) => s + bg.Samples[i]), Is.EqualTo(input.Samples), "foreground + background == input");
            Assert.That(fg.Samples.Any(s => s != 0) && bg.Samples.Any(s => s != 0), "both tracks carry signal");
        });
    }

    [Test]
    public void Stereo_centre_goes_to_the_foreground_and_sides_to_the_background()
    {
        // Left = centre + side, right = centre − side.
        var samples = Enumerable.Range(0, 4000).SelectMany(i => new[] { 1000 + (i % 50), 1000 - (i % 50) }).ToArray();
        var (fg, bg) = Separator.Separate(new PcmWav(8000, 2, 16, samples));

        Assert.That(fg.Samples.Distinct(), Is.EqualTo(new[] { 1000 }));
        Assert.That(bg.Samples.Take(4), Is.EqualTo(new[] { 0, 0, 1, -1 }));
    }

    [Test]
    public async Task Failure_scenario_reaches_the_client_as_a_typed_failure()
    {
        var path = Path.Combine(_dir, "fail.wav");
        await File.WriteAllBytesAsync(path, Tone(1, 16, 100).ToBytes());
        using var client = _sim.CreateClient();

        var error = await Assert.ThrowsAsync<SeparationFailedException>(() => client.SeparateFileAsync(path, _dir));

        Assert.That(error!.ExceptionReason, Is.EqualTo("HARMFUL_CONTENT_DETECTED"));
    }

    [Test]
    public async Task Without_ffmpeg_other_formats_end_in_source_type_not_supported()
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero, UseFfmpeg = false });
        var path = Path.Combine(_dir, "song.flac");
        await File.WriteAllBytesAsync(path, [0x66, 0x4C, 0x61, 0x43]);
        using var client = sim.CreateClient();

        var error = await Assert.ThrowsAsync<SeparationFailedException>(() => client.SeparateFileAsync(path, _dir));

        Assert.That(error!.ExceptionReason, Is.EqualTo("SOURCE_TYPE_NOT_SUPPORTED"));
    }

    [Test]
    public async Task Flac_is_decoded_with_ffmpeg_where_installed()
    {
        var wav = Path.Combine(_dir, "tone.wav");
        var input = Tone(2, 16);
        await File.WriteAllBytesAsync(wav, input.ToBytes());
        var flac = Path.Combine(_dir, "tone.flac");
        using var client = _sim.CreateClient();
        if (!MediaDecoder.FfmpegAvailable)
        {
            // No ffmpeg on this machine: the service's answer for a format it cannot read.
            await File.WriteAllBytesAsync(flac, [0x66, 0x4C, 0x61, 0x43]);
            var error = await Assert.ThrowsAsync<SeparationFailedException>(() => client.SeparateFileAsync(flac, _dir));
            Assert.That(error!.ExceptionReason, Is.EqualTo("SOURCE_TYPE_NOT_SUPPORTED"));
            return;
        }

        await FFMpegCore.FFMpegArguments.FromFileInput(wav).OutputToFile(flac, true, o => o.WithAudioCodec("flac")).ProcessAsynchronously();

        var files = await client.SeparateFileAsync(flac, Path.Combine(_dir, "out"));

        // FLAC is lossless: the decoded samples are the WAV's, so the tracks sum to the original WAV.
        var fg = PcmWav.Read(await File.ReadAllBytesAsync(files.ForegroundPath));
        var bg = PcmWav.Read(await File.ReadAllBytesAsync(files.BackgroundPath));
        Assert.That(fg.Samples.Select((s, i) => s + bg.Samples[i]), Is.EqualTo(input.Samples));
    }

    [Test]
    public async Task Corrupt_input_ends_in_invalid_source_data()
    {
        var path = Path.Combine(_dir, "corrupt.wav");
        await File.WriteAllBytesAsync(path, "RIFF....WAVEjunk"u8.ToArray());
        using var client = _sim.CreateClient();

        var error = await Assert.ThrowsAsync<SeparationFailedException>(() => client.SeparateFileAsync(path, _dir));

        Assert.That(error!.ExceptionReason, Is.EqualTo("INVALID_SOURCE_DATA"));
    }

    [Test]
    public async Task Busy_polls_unavailable_uploads_and_latency_are_survived_by_the_client()
    {
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions
        {
            ProcessingTime = TimeSpan.Zero,
            Scenario = _ => new SimulatedOutcome { BusyPolls = 2, UnavailableUploads = 1, AddedLatency = TimeSpan.FromMilliseconds(20), RetryAfterSeconds = 0 },
        });
        var path = Path.Combine(_dir, "busy.wav");
        await File.WriteAllBytesAsync(path, Tone(1, 16, 200).ToBytes());
        using var client = sim.CreateClient(o => (o.RetryBaseDelay, o.PollInitialInterval) = (TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)));
        var statuses = new List<string>();

        var files = await client.SeparateFileAsync(path, Path.Combine(_dir, "out"), new SeparateFileOptions
        {
            Progress = new InlineProgress<SeparateFileProgress>(p => statuses.AddRange(p.Status is { } s ? [s.Status.Value] : [])),
        });

        Assert.That(File.Exists(files.ForegroundPath) && File.Exists(files.BackgroundPath));
        Assert.That(statuses.Last(), Is.EqualTo("SUCCESS"));
    }

    [Test]
    public async Task Storage_refuses_a_request_carrying_the_api_key_and_a_tampered_signature()
    {
        var path = Path.Combine(_dir, "ok.wav");
        await File.WriteAllBytesAsync(path, Tone(2, 16, 100).ToBytes());
        using var client = _sim.CreateClient();
        var operation = await client.StartSeparationAsync(path);
        var result = await operation.WaitForCompletionAsync();
        using var http = new HttpClient();

        using var withKey = new HttpRequestMessage(HttpMethod.Get, result.ForegroundUrl);
        withKey.Headers.Add(ApiKey.HeaderName, _sim.ApiKey);
        using var refused = await http.SendAsync(withKey);
        using var tampered = await http.GetAsync(new Uri(result.ForegroundUrl.AbsoluteUri.Replace("signature=", "signature=0", StringComparison.Ordinal)));
        using var fine = await http.GetAsync(result.ForegroundUrl);

        Assert.That((int)refused.StatusCode, Is.EqualTo(400));
        Assert.That((int)tampered.StatusCode, Is.EqualTo(403));
        Assert.That((int)fine.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task Result_urls_expire()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero, UrlLifetime = TimeSpan.FromMinutes(5), TimeProvider = time });
        var path = Path.Combine(_dir, "e.wav");
        await File.WriteAllBytesAsync(path, Tone(2, 16, 100).ToBytes());
        using var client = sim.CreateClient();
        var operation = await client.StartSeparationAsync(path);
        await operation.UpdateStatusAsync();
        var result = await client.GetResultAsync(operation.RunId!.Value);

        using var plain = new HttpClient();
        Assert.That((int)(await plain.GetAsync(result.ForegroundUrl)).StatusCode, Is.EqualTo(200), "valid before");

        time.Advance(TimeSpan.FromMinutes(6));

        Assert.That((int)(await plain.GetAsync(result.ForegroundUrl)).StatusCode, Is.EqualTo(403), "expired after its lifetime");
        var files = await client.DownloadAsync(result, Path.Combine(_dir, "out"), "e");
        Assert.That(File.Exists(files.ForegroundPath) && File.Exists(files.BackgroundPath), "the client answers the expiry with fresh URLs for the same run");
        Assert.That(sim.Uploads, Is.EqualTo(1), "and never with a new upload");
    }

    [TestCase("3000000000")]
    [TestCase("9223372036854775807")]
    [TestCase("-1")]
    public async Task Any_integer_run_id_is_looked_up_and_an_unknown_one_is_a_404(string runId)
    {
        using var http = new HttpClient { BaseAddress = _sim.BaseAddress };
        http.DefaultRequestHeaders.Add(ApiKey.HeaderName, _sim.ApiKey);

        using var response = await http.GetAsync(new Uri($"audio-separation-result/{runId}", UriKind.Relative));

        Assert.That((int)response.StatusCode, Is.EqualTo(404), "FastAPI accepts any integer; the run is unknown");
        Assert.That(Newtonsoft.Json.Linq.JObject.Parse(await response.Content.ReadAsStringAsync())["detail"], Is.Not.Null);
    }

    [Test]
    public async Task Api_requires_the_key_and_answers_fastapi_422s()
    {
        using var http = new HttpClient { BaseAddress = _sim.BaseAddress };
        using var noKey = await http.GetAsync(new Uri("audio-separation-result/1", UriKind.Relative));
        http.DefaultRequestHeaders.Add(ApiKey.HeaderName, _sim.ApiKey);
        using var badRunId = await http.GetAsync(new Uri("audio-separation-result/abc", UriKind.Relative));
        using var noFile = await http.PostAsync(new Uri("audio-separation", UriKind.Relative), new MultipartFormDataContent { { new StringContent("x"), "audio_file" } });

        Assert.That((int)noKey.StatusCode, Is.EqualTo(401));
        Assert.That((int)badRunId.StatusCode, Is.EqualTo(422));
        var detail = Newtonsoft.Json.JsonConvert.DeserializeObject<CambApi.Client.HTTPValidationError>(await badRunId.Content.ReadAsStringAsync())!;
        Assert.That(detail.Detail!.Single().Loc.Select(l => l.ToString()), Is.EqualTo(new[] { "path", "run_id" }));
        Assert.That((int)noFile.StatusCode, Is.EqualTo(422), "the old field name audio_file is not accepted");
    }
}
