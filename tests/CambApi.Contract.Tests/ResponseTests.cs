using System.Net;
using CambApi.Client;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CambApi.Contract.Tests;

/// <summary>How the client reads what the service can send back, documented or not.</summary>
[TestFixture]
public sealed class ResponseTests : ApiStubFixture
{
    private void Respond(int status, string? body, string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        var response = Response.Create().WithStatusCode(status);
        if (body is not null)
        {
            response = response.WithBody(body).WithHeader("Content-Type", contentType);
        }

        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }

        Server.Given(Request.Create().UsingAnyMethod()).RespondWith(response);
    }

    [Test]
    public async Task Ok_result_parses_both_urls()
    {
        Respond(200, """{"foreground_audio_url":"https://s.example/f.wav?sig=1","background_audio_url":"https://s.example/b.wav?sig=2"}""");

        var result = await Client.GetAudioSeparationRunInfoAsync(5);

        Assert.That(result.ForegroundAudioUrl, Is.EqualTo("https://s.example/f.wav?sig=1"));
        Assert.That(result.BackgroundAudioUrl, Is.EqualTo("https://s.example/b.wav?sig=2"));
    }

    [Test]
    public async Task Ok_result_reads_a_missing_url_as_null_and_keeps_unknown_extra_fields()
    {
        Respond(200, """{"foreground_audio_url":"https://s.example/f.wav","new_field":{"nested":[1,2]},"another":null}""");

        var result = await Client.GetAudioSeparationRunInfoAsync(5);

        Assert.That(result.ForegroundAudioUrl, Is.EqualTo("https://s.example/f.wav"));
        Assert.That(result.BackgroundAudioUrl, Is.Null, "left out: null, whether the spec makes it optional or promises it");
        Assert.That(result.AdditionalProperties.Keys, Is.EquivalentTo(new[] { "new_field", "another" }));
    }

    [Test]
    public async Task Ok_result_with_explicit_nulls_is_read_as_missing()
    {
        Respond(200, """{"foreground_audio_url":null,"background_audio_url":null}""");

        var result = await Client.GetAudioSeparationRunInfoAsync(5);

        Assert.That(result.ForegroundAudioUrl, Is.Null);
    }

    [Test]
    public async Task Validation_error_with_mixed_loc_becomes_the_typed_exception()
    {
        Respond(422, FastApiBodies.MixedLoc);

        var error = await Assert.ThrowsAsync<CambApiException<HTTPValidationError>>(() => Client.GetAudioSeparationRunInfoAsync(5));

        Assert.That(error!.StatusCode, Is.EqualTo(422));
        var detail = error.Result.Detail!.ToList();
        Assert.That(detail, Has.Count.EqualTo(2));
        Assert.That(detail[0].Loc, Is.EqualTo(new StringOrInteger[] { "path", "run_id" }));
        Assert.That(detail[1].Loc, Is.EqualTo(new StringOrInteger[] { "body", "run_ids", 0 }));
        Assert.That(detail[1].Loc.Last().IsInteger && detail[1].Loc.Last().AsInt64() == 0);
        Assert.That(detail[0].Type, Is.EqualTo("int_parsing"));
    }

    [Test]
    public async Task Validation_error_with_unknown_fields_and_empty_detail_still_parses()
    {
        Respond(422, """{"detail":[],"request_id":"abc"}""");

        var error = await Assert.ThrowsAsync<CambApiException<HTTPValidationError>>(() => Client.GetAudioSeparationRunInfoAsync(5));

        Assert.That(error!.Result.Detail, Is.Empty);
    }

    [Test]
    public async Task Validation_error_missing_a_promised_field_is_still_the_typed_exception()
    {
        // Whichever fields the spec promises in a ValidationError, an answer without one is read, not refused.
        var item = JObject.Parse(FastApiBodies.MixedLoc)["detail"]![0]!;
        var promised = SpecSamples.Required("ValidationError").Order(StringComparer.Ordinal).FirstOrDefault() ?? "msg";
        ((JObject)item).Remove(promised);
        Respond(422, new JObject(new JProperty("detail", new JArray(item))).ToString(Formatting.None));

        var error = await Assert.ThrowsAsync<CambApiException<HTTPValidationError>>(() => Client.GetAudioSeparationRunInfoAsync(5));

        Assert.That(error!.StatusCode, Is.EqualTo(422));
        Assert.That(error.Result.Detail, Has.Count.EqualTo(1));
        Assert.That(TolerantReading.BrokenPromises(error.Result), SpecSamples.Required("ValidationError").Contains(promised)
            ? Is.EqualTo(new[] { $"ValidationError.{promised}" }) : Is.Empty);
    }

    [TestCase(401, """{"detail":"Invalid API key"}""", "application/json")]
    [TestCase(403, """{"detail":"Forbidden"}""", "application/json")]
    [TestCase(404, """{"detail":"Not Found"}""", "application/json")]
    [TestCase(429, """{"detail":"Too many requests"}""", "application/json")]
    [TestCase(500, "<html><body><h1>500 Internal Server Error</h1></body></html>", "text/html")]
    [TestCase(502, "", "text/plain")]
    [TestCase(422, "<html>gateway</html>", "text/html")]
    [TestCase(200, "", "application/json")]
    [TestCase(200, "{\"foreground_audio_url\": ", "application/json")]
    [TestCase(200, "null", "application/json")]
    [TestCase(200, "[1,2,3]", "application/json")]
    [TestCase(200, "\"SUCCESS\"", "application/json")]
    public async Task Undocumented_or_unreadable_responses_become_the_generic_exception(int status, string body, string contentType)
    {
        Respond(status, body, contentType);
        // The spec decides, not this list: once the vendor documents a status, a readable body of it is the typed exception.
        var documented = SpecModelTests.ErrorBodyType("/audio-separation-result/{run_id}", "get", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var expected = documented is not null && status != 200 && body.StartsWith('{') ? typeof(CambApiException<>).MakeGenericType(documented) : typeof(CambApiException);

        var error = await Assert.CatchAsync<CambApiException>(() => Client.GetAudioSeparationRunInfoAsync(5));

        Assert.Multiple(() =>
        {
            Assert.That(error!.GetType(), Is.EqualTo(expected), "only a parsed documented error is a typed exception");
            Assert.That(error.StatusCode, Is.EqualTo(status));
            Assert.That(error.ToString(), Does.Not.Contain(Key), "the key must never appear in an exception");
            Assert.That(error.InnerException, Is.Null.Or.InstanceOf<JsonException>());
        });
    }

    [Test]
    public async Task Response_headers_are_kept_on_the_exception_for_retry_decisions()
    {
        Respond(429, """{"detail":"slow down"}""", "application/json", ("Retry-After", "7"));

        var error = await Assert.CatchAsync<CambApiException>(() => Client.GetAudioSeparationRunInfoAsync(5));

        Assert.That(error!.Headers["Retry-After"], Is.EqualTo(new[] { "7" }));
        Assert.That(error.Headers.Keys, Has.No.Member(ApiKey.HeaderName));
    }

    [Test]
    public async Task Exception_message_does_not_echo_request_headers()
    {
        Respond(500, "boom", "text/plain");

        var error = await Assert.CatchAsync<CambApiException>(() => Client.GetAudioSeparationRunInfoAsync(5));

        Assert.That(error!.Message, Does.Not.Contain(ApiKey.HeaderName).And.Not.Contain(Key));
        Assert.That(Server.LogEntries.Single().RequestMessage!.Headers![ApiKey.HeaderName], Is.EqualTo(new[] { Key }),
            "the key was sent, so its absence from the message is meaningful");
        Assert.That((HttpStatusCode?)error.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
    }
}
