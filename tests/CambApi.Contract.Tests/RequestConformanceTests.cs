using CambApi.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Contract.Tests;

/// <summary>What the client puts on the wire, asserted from the stub server's request log.</summary>
[TestFixture]
public sealed class RequestConformanceTests : ApiStubFixture
{
    private const string OkBody = """{"foreground_audio_url":"https://storage.example/f.wav","background_audio_url":"https://storage.example/b.wav"}""";

    [TestCase(1L)]
    [TestCase(42L)]
    [TestCase(3_000_000_000L)]
    [TestCase(9_007_199_254_740_993L)] // past a JS number's exact range: must not pass through a double
    [TestCase(long.MaxValue)]
    public async Task Get_result_sends_GET_to_the_run_id_path_with_the_key(long runId)
    {
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody(OkBody));

        await Client.GetAudioSeparationRunInfoAsync(runId);

        var request = Server.LogEntries.Single().RequestMessage!;
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("GET"));
            Assert.That(request.AbsolutePath, Is.EqualTo($"/apis/audio-separation-result/{runId}"));
            Assert.That(request.RawQuery, Is.Null.Or.Empty);
            Assert.That(request.Headers![ApiKey.HeaderName], Is.EqualTo(new[] { Key }));
            Assert.That(request.Headers["Accept"].Single(), Does.Contain("application/json"));
            Assert.That(request.Body, Is.Null.Or.Empty);
        });
    }

    [Test]
    public async Task Run_id_is_formatted_invariantly_whatever_the_current_culture()
    {
        Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody(OkBody));
        var culture = Thread.CurrentThread.CurrentCulture;
        try
        {
            // A culture with its own digits and group separator; the path must still be ASCII digits.
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("ar-SA");
            await Client.GetAudioSeparationRunInfoAsync(1234567);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }

        Assert.That(Server.LogEntries.Single().RequestMessage!.AbsolutePath, Is.EqualTo("/apis/audio-separation-result/1234567"));
    }

    [Test]
    public async Task Base_address_without_a_trailing_slash_keeps_its_path()
    {
        Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody(OkBody));
        var client = CambApiRestClient.Create(Key, new Uri(Server.Url + "/apis"));

        await client.GetAudioSeparationRunInfoAsync(7);

        Assert.That(Server.LogEntries.Single().RequestMessage!.AbsolutePath, Is.EqualTo("/apis/audio-separation-result/7"));
    }

    [Test]
    public async Task Key_is_not_sent_to_another_host()
    {
        using var other = WireMock.Server.WireMockServer.Start();
        other.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200));
        using var handler = new ApiKeyHandler(Key, BaseAddress) { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(handler);

        // Same host name (localhost), different port: a different origin, so no key.
        using var response = await http.GetAsync(new Uri(other.Url + "/file.wav"));

        Assert.That(other.LogEntries.Single().RequestMessage!.Headers!.ContainsKey(ApiKey.HeaderName), Is.False);
    }

    // The key goes to the API's origin (scheme, host, port) only; host names compare without case, IDN in any spelling.
    [TestCase("https://api.example/apis/", "https://api.example/apis/audio-separation/t-1", true)]
    [TestCase("https://api.example/apis/", "https://API.Example:443/other", true)]
    [TestCase("https://bücher.example/apis/", "https://xn--bcher-kva.example/apis/x", true)]
    [TestCase("https://api.example/apis/", "http://api.example/apis/x", false)]
    [TestCase("https://api.example/apis/", "https://api.example:8443/apis/x", false)]
    [TestCase("https://api.example/apis/", "https://api.example.evil/apis/x", false)]
    [TestCase("https://api.example/apis/", "https://storage.example/f.wav", false)]
    [TestCase("http://127.0.0.1:5000/apis/", "http://127.0.0.1:5001/apis/x", false)]
    [TestCase("http://[::1]:5000/apis/", "http://[::1]:5000/apis/x", true)]
    public async Task Key_goes_to_the_API_origin_only(string baseAddress, string requestUrl, bool keySent)
    {
        var seen = new List<bool>();
        using var handler = new ApiKeyHandler(Key, new Uri(baseAddress)) { InnerHandler = new Recording(seen) };
        using var http = new HttpClient(handler);

        using var response = await http.GetAsync(new Uri(requestUrl));

        Assert.That(seen, Is.EqualTo(new[] { keySent }));
    }

    private sealed class Recording(List<bool> keySeen) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            keySeen.Add(request.Headers.Contains(ApiKey.HeaderName));
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }

    [Test]
    public async Task Redirects_are_not_followed_so_the_key_never_reaches_another_host()
    {
        using var other = WireMock.Server.WireMockServer.Start();
        other.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody(OkBody));
        Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", other.Url + "/x"));

        var error = await Assert.CatchAsync<CambApiException>(() => Client.GetAudioSeparationRunInfoAsync(1));

        Assert.That(error!.StatusCode, Is.EqualTo(302));
        Assert.That(other.LogEntries, Is.Empty);
    }

    [Test]
    public async Task Key_is_applied_once_on_every_attempt_even_if_a_caller_set_one()
    {
        Server.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(200).WithBody(OkBody));
        using var handler = new ApiKeyHandler(Key, BaseAddress) { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(handler);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, "audio-separation-result/1"));
        request.Headers.TryAddWithoutValidation(ApiKey.HeaderName, "stale-key");

        using var first = await http.SendAsync(request);

        Assert.That(Server.LogEntries.Single().RequestMessage!.Headers![ApiKey.HeaderName], Is.EqualTo(new[] { Key }));
    }

    [TestCase("abc-123", "/apis/audio-separation/abc-123")]
    [TestCase("a b%c", "/apis/audio-separation/a%20b%25c")]
    public async Task Get_status_sends_GET_to_the_escaped_task_id_path(string taskId, string path)
    {
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"PENDING"}"""));

        await Client.GetAudioSeparationStatusAsync(taskId);

        var request = Server.LogEntries.Single().RequestMessage!;
        Assert.That(request.Method, Is.EqualTo("GET"));
        Assert.That(new Uri(request.Url).AbsolutePath, Is.EqualTo(path));
        Assert.That(request.RawQuery, Is.Null.Or.Empty, "run_id is optional and not sent when null");
        Assert.That(request.Headers![ApiKey.HeaderName], Is.EqualTo(new[] { Key }));
    }

    [Test]
    public async Task Get_status_sends_an_optional_run_id_as_a_query()
    {
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"PENDING"}"""));

        await Client.GetAudioSeparationStatusAsync("t", runId: 3_000_000_000);

        Assert.That(Server.LogEntries.Single().RequestMessage!.RawQuery!.TrimStart('?'), Is.EqualTo("run_id=3000000000"));
    }

    [Test]
    public async Task Batch_results_posts_the_run_ids_as_json()
    {
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));

        await Client.GetAudioSeparationRunsResultsAsync(new RunIDsRequestPayload { RunIds = [1001, 3_000_000_000, 9_007_199_254_740_993] });

        var request = Server.LogEntries.Single().RequestMessage!;
        Assert.That(request.Method, Is.EqualTo("POST"));
        Assert.That(request.AbsolutePath, Is.EqualTo("/apis/audio-separation-results"));
        Assert.That(request.RawQuery, Is.Null.Or.Empty);
        Assert.That(request.Headers!["Content-Type"].Single(), Does.StartWith("application/json"));
        Assert.That(request.Body, Is.EqualTo("""{"run_ids":[1001,3000000000,9007199254740993]}"""));
        Assert.That(request.Headers[ApiKey.HeaderName], Is.EqualTo(new[] { Key }));
        Assert.That(request.Headers.ContainsKey("traceparent"), Is.False);
    }

    [Test]
    public async Task Batch_results_sends_the_optional_run_id_query_and_traceparent_header()
    {
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("{}"));

        await Client.GetAudioSeparationRunsResultsAsync(new RunIDsRequestPayload { RunIds = [7] }, runId: 3_000_000_000,
            traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var request = Server.LogEntries.Single().RequestMessage!;
        Assert.That(request.RawQuery!.TrimStart('?'), Is.EqualTo("run_id=3000000000"));
        Assert.That(request.Headers!["traceparent"].Single(), Is.EqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));
    }

    [Test]
    public async Task Create_posts_multipart_to_audio_separation_with_the_media_file_part()
    {
        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"task_id":"t"}"""));
        using var data = new MemoryStream([1, 2, 3, 4]);

        var created = await Client.CreateAudioSeparationAsync(media_file: new FileParameter(data, "a.wav", "audio/wav"), traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var request = Server.LogEntries.Single().RequestMessage!;
        Assert.That(created.TaskId, Is.EqualTo("t"));
        Assert.That(request.Method, Is.EqualTo("POST"));
        Assert.That(request.AbsolutePath, Is.EqualTo("/apis/audio-separation"));
        Assert.That(request.Headers!["Content-Type"].Single(), Does.StartWith("multipart/form-data"));
        Assert.That(request.Headers["traceparent"].Single(), Does.StartWith("00-0af7651916cd43dd8448eb211c80319c"));
        Assert.That(System.Text.Encoding.Latin1.GetString(request.BodyAsBytes!), Does.Contain("name=media_file; filename=a.wav"));
    }

    [Test]
    public async Task A_required_form_part_left_out_is_refused_before_sending()
    {
        // Which parts are required is the spec's: whichever it requires, leaving one out is refused and nothing is sent.
        var body = SpecModelTests.Operation("/audio-separation", "post").RequestBody!.Content!["multipart/form-data"].Schema!;
        var form = ((Microsoft.OpenApi.OpenApiSchemaReference)body).Reference.Id!;
        if (!SpecSamples.Required(form).Contains("media_file"))
        {
            Assert.Pass("the spec no longer requires media_file: nothing to refuse");
        }

        await Assert.ThrowsAsync<ArgumentNullException>(() => Client.CreateAudioSeparationAsync(media_file: null!));
        Assert.That(Server.LogEntries, Is.Empty);
    }

    [TestCase("", TestName = "Empty key")]
    [TestCase("   ", TestName = "White-space key")]
    [TestCase("abc\ndef", TestName = "Key with a newline")]
    [TestCase("abc\u0000def", TestName = "Key with a NUL")]
    [TestCase(" abc", TestName = "Key with leading white space")]
    [TestCase("abcé", TestName = "Key with a non-ASCII character")]
    public void Bad_key_is_rejected_when_the_client_is_made_without_echoing_it(string key)
    {
        var error = Assert.Throws<ArgumentException>(() => CambApiRestClient.Create(key, BaseAddress));
        Assert.That(error!.ParamName, Is.EqualTo("apiKey"));
        if (!string.IsNullOrWhiteSpace(key))
        {
            Assert.That(error.Message, Does.Not.Contain(key.Trim()));
        }

        Assert.That(Server.LogEntries, Is.Empty, "no request may be sent");
    }

    [Test]
    public void Null_key_is_rejected_when_the_client_is_made() =>
        Assert.Throws<ArgumentNullException>(() => CambApiRestClient.Create(null!, BaseAddress));
}
