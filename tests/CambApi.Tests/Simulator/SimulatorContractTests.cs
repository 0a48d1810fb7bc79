using System.Net.Http.Headers;
using CambApi.Simulator;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace CambApi.Tests;

/// <summary>
/// Every body the simulator sends for a documented status validates against the response schema in
/// openapi/camb-api.yaml (NJsonSchema over the spec's own JSON Schema), so the simulator cannot drift from the contract.
/// </summary>
[TestFixture]
public sealed class SimulatorContractTests
{
    private CambSimulator _sim = null!;
    private HttpClient _http = null!;
    private string _dir = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _sim = await CambSimulator.StartAsync(new SimulatorOptions
        {
            ProcessingTime = TimeSpan.Zero,
            Scenario = name => name switch
            {
                "pending.wav" => new SimulatedOutcome { ProcessingTime = TimeSpan.FromHours(1) },
                "timeout.wav" => SimulatedOutcome.Failure("TIMEOUT", "SOURCE_TOO_LONG", "processing exceeded time limit"),
                "payment.wav" => SimulatedOutcome.Failure("PAYMENT_REQUIRED", "PAYMENT_REQUIRED", "insufficient credits"),
                _ => SimulatedOutcome.Success,
            },
        });
        _http = new HttpClient { BaseAddress = _sim.BaseAddress };
        _http.DefaultRequestHeaders.Add(ApiKey.HeaderName, _sim.ApiKey);
        _dir = Directory.CreateTempSubdirectory("cambapi-contract-").FullName;
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _sim.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    /// <summary>The response schema of an operation, as a standalone JSON Schema that can resolve its $refs.</summary>
    internal static async Task<JsonSchema> ResponseSchema(string path, string method, string status)
    {
        var spec = VendorSpec.Json;
        var schema = spec["paths"]![path]![method]!["responses"]![status]!["content"]!["application/json"]!["schema"]!;
        // NJsonSchema resolves nested references only under "definitions": move the components there.
        var document = new JObject
        {
            ["allOf"] = new JArray(schema.DeepClone()),
            ["definitions"] = spec["components"]!["schemas"]!.DeepClone(),
        };
        return await JsonSchema.FromJsonAsync(document.ToString().Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal));
    }

    private static async Task AssertValid(HttpResponseMessage response, string path, string method, int status)
    {
        Assert.That((int)response.StatusCode, Is.EqualTo(status), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        var body = await response.Content.ReadAsStringAsync();
        var errors = (await ResponseSchema(path, method, status.ToString(System.Globalization.CultureInfo.InvariantCulture))).Validate(body);
        Assert.That(errors.Select(e => $"{e.Path}: {e.Kind}"), Is.Empty, $"{method.ToUpperInvariant()} {path} {status} body does not match the spec: {body}");
    }

    private async Task<HttpResponseMessage> Upload(string name, byte[]? bytes = null)
    {
        var part = new ByteArrayContent(bytes ?? TestAudio.Wav(channels: 2));
        part.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        using var form = new MultipartFormDataContent { { part, "media_file", name } };
        return await _http.PostAsync(new Uri("audio-separation", UriKind.Relative), form);
    }

    private async Task<string> TaskIdFor(string name)
    {
        using var created = await Upload(name);
        return JObject.Parse(await created.Content.ReadAsStringAsync())["task_id"]!.Value<string>()!;
    }

    private Task<HttpResponseMessage> Status(string taskId) => _http.GetAsync(new Uri($"audio-separation/{taskId}", UriKind.Relative));

    private async Task<long> RunIdFor(string name)
    {
        using var status = await Status(await TaskIdFor(name));
        return JObject.Parse(await status.Content.ReadAsStringAsync())["run_id"]!.Value<long>();
    }

    [Test]
    public async Task Create_200()
    {
        using var response = await Upload("ok.wav");
        await AssertValid(response, "/audio-separation", "post", 200);
    }

    [Test]
    public async Task Create_422_without_media_file()
    {
        using var form = new MultipartFormDataContent { { new StringContent("x"), "project_name" } };
        using var response = await _http.PostAsync(new Uri("audio-separation", UriKind.Relative), form);
        await AssertValid(response, "/audio-separation", "post", 422);
    }

    [TestCase("pending.wav", "PENDING")]
    [TestCase("ok.wav", "SUCCESS")]
    [TestCase("timeout.wav", "TIMEOUT")]
    [TestCase("payment.wav", "PAYMENT_REQUIRED")]
    public async Task Status_200(string name, string expected)
    {
        using var response = await Status(await TaskIdFor(name));
        await AssertValid(response, "/audio-separation/{task_id}", "get", 200);
        Assert.That(JObject.Parse(await response.Content.ReadAsStringAsync())["status"]!.Value<string>(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Status_200_error_for_corrupt_input()
    {
        using var created = await Upload("corrupt.wav", "RIFFxxxxWAVE"u8.ToArray());
        var taskId = JObject.Parse(await created.Content.ReadAsStringAsync())["task_id"]!.Value<string>()!;
        using var response = await Status(taskId);
        await AssertValid(response, "/audio-separation/{task_id}", "get", 200);
        Assert.That(JObject.Parse(await response.Content.ReadAsStringAsync())["exception_reason"]!.Value<string>(), Is.EqualTo("INVALID_SOURCE_DATA"));
    }

    [Test]
    public async Task Result_200()
    {
        using var response = await _http.GetAsync(new Uri($"audio-separation-result/{await RunIdFor("ok.wav")}", UriKind.Relative));
        await AssertValid(response, "/audio-separation-result/{run_id}", "get", 200);
    }

    [Test]
    public async Task Result_422_for_a_non_integer_run_id()
    {
        using var response = await _http.GetAsync(new Uri("audio-separation-result/abc", UriKind.Relative));
        await AssertValid(response, "/audio-separation-result/{run_id}", "get", 422);
    }

    [Test]
    public async Task Results_200()
    {
        var a = await RunIdFor("ok.wav");
        var b = await RunIdFor("ok.wav");
        using var response = await _http.PostAsync(new Uri("audio-separation-results", UriKind.Relative),
            new StringContent($$"""{"run_ids":[{{a}},{{b}}]}""", System.Text.Encoding.UTF8, "application/json"));
        await AssertValid(response, "/audio-separation-results", "post", 200);
        Assert.That(JObject.Parse(await response.Content.ReadAsStringAsync()).Properties().Select(p => p.Name), Is.EquivalentTo(new[] { $"{a}", $"{b}" }));
    }

    [Test]
    public async Task Results_422_without_run_ids()
    {
        using var response = await _http.PostAsync(new Uri("audio-separation-results", UriKind.Relative),
            new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        await AssertValid(response, "/audio-separation-results", "post", 422);
    }

    [TestCase("/audio-separation/{task_id}", "get", 200, """{"status":5}""")]
    [TestCase("/audio-separation/{task_id}", "get", 200, """{"run_id":1}""")]
    [TestCase("/audio-separation/{task_id}", "get", 200, """{"status":"PENDING","run_id":"12"}""")]
    [TestCase("/audio-separation", "post", 200, """{"task_id":7}""")]
    [TestCase("/audio-separation-result/{run_id}", "get", 422, """{"detail":[{"loc":[1.5],"msg":"m","type":"t"}]}""")]
    [TestCase("/audio-separation-result/{run_id}", "get", 422, """{"detail":[{"loc":["path"],"msg":"m"}]}""")]
    [TestCase("/audio-separation-results", "post", 200, """{"1":{"foreground_audio_url":3}}""")]
    public async Task The_validator_rejects_bodies_that_break_the_spec(string path, string method, int status, string body)
    {
        // Proves the checks above can fail: each body breaks one rule of the schema.
        var errors = (await ResponseSchema(path, method, status.ToString(System.Globalization.CultureInfo.InvariantCulture))).Validate(body);
        Assert.That(errors, Is.Not.Empty, $"{body} should not validate");
    }
}
