using System.Net.Http.Headers;
using System.Text;
using CambApi.Client;
using CambApi.Simulator;
using Newtonsoft.Json.Linq;

namespace CambApi.Tests;

/// <summary>
/// The simulator answers bad requests byte for byte as the service's framework does. The expected answers are
/// Fixtures/fastapi-validation.json, written by build/fixtures/fastapi-validation.py (each case names its
/// source in FastAPI/Pydantic; JSON decode errors and the bytes come from CPython's json). Every 422 must also
/// validate against the spec's HTTPValidationError and parse into the client's typed model, mixed loc intact.
/// </summary>
[TestFixture]
public sealed class SimulatorValidationTests
{
    private static readonly Lazy<JObject> Fixture = new(() => JObject.Parse(File.ReadAllText(
        Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "fastapi-validation.json"))));

    private CambSimulator _sim = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _sim = await CambSimulator.StartAsync(new SimulatorOptions { ProcessingTime = TimeSpan.Zero });
        _http = new HttpClient { BaseAddress = new Uri(_sim.BaseAddress.GetLeftPart(UriPartial.Authority)) };
        _http.DefaultRequestHeaders.Add(ApiKey.HeaderName, _sim.ApiKey);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _sim.DisposeAsync();
    }

    public static IEnumerable<TestCaseData> Cases() =>
        Fixture.Value["cases"]!.Select(c => new TestCaseData(c).SetName("FastAPI: " + (string)c["name"]!));

    [TestCaseSource(nameof(Cases))]
    public async Task Simulator_answers_as_FastAPI(JToken fixture)
    {
        using var request = Request(fixture["request"]!);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var why = $"source: {fixture["source"]}";
        Assert.That((int)response.StatusCode, Is.EqualTo((int)fixture["status"]!), $"{why}\nbody: {body}");
        if (fixture["body"]!.Type != JTokenType.Null)
        {
            Assert.That(body, Is.EqualTo((string)fixture["body"]!), why);
        }

        if ((int)response.StatusCode == 422)
        {
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            var operation = (string)fixture["request"]!["path"]! switch
            {
                "/apis/audio-separation" => ("/audio-separation", "post"),
                "/apis/audio-separation-results" => ("/audio-separation-results", "post"),
                var p when p.StartsWith("/apis/audio-separation-result/", StringComparison.Ordinal) => ("/audio-separation-result/{run_id}", "get"),
                _ => ("/audio-separation/{task_id}", "get"),
            };
            var schema = await SimulatorContractTests.ResponseSchema(operation.Item1, operation.Item2, "422");
            Assert.That(schema.Validate(body).Select(e => $"{e.Path}: {e.Kind}"), Is.Empty, "the 422 does not match the spec");
            var typed = Newtonsoft.Json.JsonConvert.DeserializeObject<HTTPValidationError>(body)!;
            var expectedLocs = JObject.Parse(body)["detail"]!.Select(d => d["loc"]!.Select(ToLoc).ToArray());
            Assert.That(typed.Detail!.Select(d => d.Loc.ToArray()), Is.EqualTo(expectedLocs), "loc did not survive the typed model");
        }
    }

    /// <summary>
    /// The done-when of the simulator issue: a client whose request drifted from the contract (here a handler
    /// rewrites the batch body) gets the simulator's 422 as the typed exception, the integer index intact.
    /// </summary>
    [Test]
    public async Task A_422_with_an_index_in_loc_reaches_the_typed_exception_with_the_integer_intact()
    {
        using var drift = new RewriteBody("""{"run_ids":["abc",1001]}""") { InnerHandler = new SocketsHttpHandler() };
        var client = CambApiRestClient.Create(_sim.ApiKey, _sim.BaseAddress, drift);

        var error = await Assert.ThrowsAsync<CambApiException<HTTPValidationError>>(
            () => client.GetAudioSeparationRunsResultsAsync(new RunIDsRequestPayload { RunIds = [1001] }));

        Assert.That(error.StatusCode, Is.EqualTo(422));
        var detail = error.Result.Detail!.Single();
        Assert.That(detail.Loc, Is.EqualTo(new StringOrInteger[] { "body", "run_ids", 0 }));
        var index = detail.Loc.Last();
        Assert.That((index.IsInteger, index.AsInt64()), Is.EqualTo((true, 0L)));
        Assert.That((detail.Type, detail.Msg), Is.EqualTo(("int_parsing", "Input should be a valid integer, unable to parse string as an integer")));
        // Read as JSON, not from AdditionalProperties: FastAPI's input is extension data today, a typed field once the
        // vendor documents it (a benign change that must not turn this test red).
        Assert.That(JObject.FromObject(detail)["input"]?.Value<string>(), Is.EqualTo("abc"));
    }

    private sealed class RewriteBody(string json) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            return base.SendAsync(request, cancellationToken);
        }
    }

    private static StringOrInteger ToLoc(JToken token) => token.Type == JTokenType.Integer ? new StringOrInteger((long)token) : new StringOrInteger((string)token!);

    private static HttpRequestMessage Request(JToken spec)
    {
        var request = new HttpRequestMessage(new HttpMethod((string)spec["method"]!), (string)spec["path"]! + (string?)spec["query"]);
        if (spec["parts"] is JArray parts)
        {
            var form = new MultipartFormDataContent();
            foreach (var part in parts)
            {
                if (part["value"] is { } value)
                {
                    form.Add(new StringContent((string)value!), (string)part["name"]!);
                }
                else
                {
                    form.Add(new ByteArrayContent(TestAudio.Wav()), (string)part["name"]!, (string)part["filename"]!);
                }
            }

            request.Content = form;
        }
        else if (spec["body"] is { } body)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes((string)body!));
        }

        if (request.Content is not null && spec["parts"] is null)
        {
            // The fixture's content type exactly, or none at all when it names none.
            request.Content.Headers.ContentType = spec["contentType"] is { } type ? MediaTypeHeaderValue.Parse((string)type!) : null;
        }

        return request;
    }
}
