namespace CambApi.Tests;

/// <summary>Bad input fails with a clear, typed error before any request is sent.</summary>
[TestFixture]
public sealed class InputValidationTests : WorkflowFixture
{
    [Test]
    public async Task Missing_file()
    {
        using var client = Client();
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => client.SeparateFileAsync(Path.Combine(WorkDir, "nope.wav"), WorkDir));
        Assert.That(error!.Message, Does.Contain("nope.wav").And.Contain("does not exist"));
        Assert.That(Api.LogEntries, Is.Empty);
    }

    [Test]
    public async Task Empty_file()
    {
        using var client = Client();
        var path = Path.Combine(WorkDir, "empty.wav");
        File.WriteAllBytes(path, []);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.StartSeparationAsync(path));
        Assert.That(error!.Message, Does.Contain("is empty"));
        Assert.That(Api.LogEntries, Is.Empty);
    }

    [Test]
    public async Task Directory_path()
    {
        using var client = Client();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.StartSeparationAsync(WorkDir));
        Assert.That(error!.Message, Does.Contain("is a directory"));
        Assert.That(Api.LogEntries, Is.Empty);
    }

    [TestCase("")]
    [TestCase("   ")]
    public async Task Blank_path(string path)
    {
        using var client = Client();
        await Assert.ThrowsAsync<ArgumentException>(() => client.StartSeparationAsync(path));
        Assert.That(Api.LogEntries, Is.Empty);
    }

    [TestCase("song.ogg")]
    [TestCase("song.m4a")]
    [TestCase("song")]
    [TestCase("song.wav.txt")]
    public async Task Unsupported_extension(string name)
    {
        using var client = Client();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.StartSeparationAsync(Input(name)));
        Assert.That(error!.Message, Does.Contain("not a supported format").And.Contain("WAV, MP3, FLAC, AAC"));
        Assert.That(Api.LogEntries, Is.Empty);
    }

    [TestCase("a.WAV")]
    [TestCase("a.mp3")]
    [TestCase("a.flac")]
    [TestCase("a.aac")]
    public void Supported_extensions_are_accepted(string name) =>
        Assert.That(MediaInput.ValidateFile(Input(name)), Does.EndWith(name));

    [TestCase(0L)]
    [TestCase(-1L)]
    [TestCase(long.MinValue)]
    public async Task Run_id_out_of_range(long runId)
    {
        using var client = Client();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetResultAsync(runId));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetResultsAsync([5, runId]));
        Assert.That(Api.LogEntries, Is.Empty);
    }

    [TestCase(3_000_000_000L)]
    [TestCase(long.MaxValue)]
    public void Run_ids_past_32_bits_are_valid(long runId) => Assert.DoesNotThrow(() => MediaInput.ValidateRunId(runId));

    [TestCase("")]
    [TestCase("a/b")]
    [TestCase("a?b")]
    public void Bad_task_id(string taskId)
    {
        using var client = Client();
        Assert.Throws<ArgumentException>(() => client.ResumeSeparation(taskId));
    }

    [Test]
    public async Task Output_path_that_is_a_file()
    {
        using var client = Client();
        var input = Input();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.SeparateFileAsync(input, input));
        Assert.That(error!.Message, Does.Contain("is a file"));
        Assert.That(Api.LogEntries, Is.Empty);
    }

    [TestCase("../../etc/passwd", ExpectedResult = "passwd")]
    [TestCase("..", ExpectedResult = "separation")]
    [TestCase("a\u0001b", ExpectedResult = "a_b")]
    public string Output_names_cannot_escape_the_folder(string name) => OutputNames.Sanitize(name);

    [TestCase("https://s.example/x/f.wav?sig=1", ExpectedResult = ".wav")]
    [TestCase("https://s.example/x/f.FLAC", ExpectedResult = ".flac")]
    [TestCase("https://s.example/x/f.wav%2F..%2F..%2Fevil", ExpectedResult = ".audio")]
    [TestCase("https://s.example/x/noext", ExpectedResult = ".audio")]
    public string Extensions_from_urls_are_plain(string url) => OutputNames.ExtensionOf(new Uri(url));

    [Test]
    public void Missing_key_fails_when_the_client_is_made()
    {
        var previous = Environment.GetEnvironmentVariable("CAMB_API_KEY");
        Environment.SetEnvironmentVariable("CAMB_API_KEY", null);
        try
        {
            var error = Assert.Throws<ArgumentException>(() => Client(o => o.ApiKey = null));
            Assert.That(error!.Message, Does.Contain("CambApi:ApiKey").And.Contain("CAMB_API_KEY"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CAMB_API_KEY", previous);
        }
    }
}
