using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;

namespace CambApi.Tests;

[TestFixture]
public sealed class DependencyInjectionTests : WorkflowFixture
{
    private IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Test]
    public async Task Client_from_configuration_section_sends_the_key_through_the_factory_pipeline()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/3").UsingGet())
            .RespondWith(Json(200, """{"foreground_audio_url":"https://s.example/f.wav","background_audio_url":"https://s.example/b.wav"}"""));
        var services = new ServiceCollection()
            .AddCambApi(Config(("CambApi:ApiKey", Key), ("CambApi:Endpoint", Api.Url + "/apis"), ("CambApi:PollMaxInterval", "00:00:20")),
                o => o.TimeProvider = Time);
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var client = provider.GetRequiredService<AudioSeparationClient>();
        var result = await client.GetResultAsync(3);

        Assert.That(result.ForegroundUrl.Host, Is.EqualTo("s.example"));
        Assert.That(Api.LogEntries.Single().RequestMessage!.Headers!["x-api-key"], Is.EqualTo(new[] { Key }));
        Assert.That(provider.GetRequiredService<IOptions<AudioSeparationClientOptions>>().Value.PollMaxInterval, Is.EqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task Factory_pipeline_does_not_follow_api_redirects()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/4").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(301).WithHeader("Location", Storage.Url + "/elsewhere"));
        var services = new ServiceCollection().AddCambApi(Config(("CambApi:ApiKey", Key), ("CambApi:Endpoint", Api.Url + "/apis")), o => o.TimeProvider = Time);
        await using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<CambApi.Client.CambApiException>(() => provider.GetRequiredService<AudioSeparationClient>().GetResultAsync(4));

        Assert.That(error!.StatusCode, Is.EqualTo(301));
        Assert.That(Storage.LogEntries, Is.Empty);
    }

    [Test]
    public async Task Invalid_options_fail_at_start_up_with_every_problem_named()
    {
        var services = new ServiceCollection().AddCambApi(Config(
            ("CambApi:ApiKey", "  "), ("CambApi:Endpoint", "http://example.com/"), ("CambApi:MaxRetries", "50")));
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AudioSeparationClientOptions>>().Value);

        Assert.That(error!.Failures, Has.Some.Contains("CambApi:ApiKey"));
        Assert.That(error.Failures, Has.Some.Contains("CambApi:Endpoint must be an absolute https URL"));
        Assert.That(error.Failures, Has.Some.Contains("CambApi:MaxRetries"));
    }
}
