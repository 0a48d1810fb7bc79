using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;

namespace CambApi.Tests;

[TestFixture]
[NonParallelizable] // sets CAMB_BASE_URL for two cases
public sealed class DependencyInjectionTests : WorkflowFixture
{
    private IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Test]
    public async Task Client_from_configuration_section_sends_the_key_through_the_factory_pipeline()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/3").UsingGet())
            .RespondWith(Json(200, """{"foreground_audio_url":"https://s.example/f.wav","background_audio_url":"https://s.example/b.wav"}"""));
        var services = new ServiceCollection();
        services.AddCambApi(Config(("CambApi:ApiKey", Key), ("CambApi:Endpoint", Api.Url + "/apis"), ("CambApi:PollMaxInterval", "00:00:20")),
                o => o.TimeProvider = Time);
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var client = provider.GetRequiredService<AudioSeparationClient>();
        var result = await client.GetResultAsync(3);

        Assert.That(result.ForegroundUrl.Host, Is.EqualTo("s.example"));
        Assert.That(Api.LogEntries.Single().RequestMessage!.Headers![ApiKey.HeaderName], Is.EqualTo(new[] { Key }));
        Assert.That(provider.GetRequiredService<IOptions<AudioSeparationClientOptions>>().Value.PollMaxInterval, Is.EqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public async Task Factory_pipeline_does_not_follow_api_redirects()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/4").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(301).WithHeader("Location", Storage.Url + "/elsewhere"));
        var services = new ServiceCollection();
        services.AddCambApi(Config(("CambApi:ApiKey", Key), ("CambApi:Endpoint", Api.Url + "/apis")), o => o.TimeProvider = Time);
        await using var provider = services.BuildServiceProvider();

        var error = await Assert.CatchAsync<CambApi.Client.CambApiException>(() => provider.GetRequiredService<AudioSeparationClient>().GetResultAsync(4));

        Assert.That(error!.StatusCode, Is.EqualTo(301));
        Assert.That(Storage.LogEntries, Is.Empty);
    }

    [Test]
    public async Task Invalid_options_fail_at_start_up_with_every_problem_named()
    {
        var services = new ServiceCollection();
        services.AddCambApi(Config(
            ("CambApi:ApiKey", "  "), ("CambApi:Endpoint", "http://example.com/"), ("CambApi:MaxRetries", "50")));
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<AudioSeparationClientOptions>>().Value);

        Assert.That(error!.Failures, Has.Some.Contains("CambApi:ApiKey"));
        Assert.That(error.Failures, Has.Some.Contains("CambApi:Endpoint must be an absolute https URL"));
        Assert.That(error.Failures, Has.Some.Contains("CambApi:MaxRetries"));
    }

    [Test]
    public async Task The_client_is_one_shared_instance_so_root_resolutions_keep_nothing_alive()
    {
        var services = new ServiceCollection();
        services.AddCambApi(Config(("CambApi:ApiKey", Key), ("CambApi:Endpoint", Api.Url + "/apis")));
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var clients = Enumerable.Range(0, 100).Select(_ => provider.GetRequiredService<AudioSeparationClient>()).Distinct().ToList();

        Assert.That(clients, Has.Count.EqualTo(1));
        Assert.That(services.Single(d => d.ServiceType == typeof(AudioSeparationClient)).Lifetime, Is.EqualTo(ServiceLifetime.Singleton));
    }

    [Test]
    public void Camb_base_url_sets_the_endpoint_of_new_options_as_it_does_for_the_cli()
    {
        var previous = Environment.GetEnvironmentVariable(AudioSeparationClientOptions.EndpointEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(AudioSeparationClientOptions.EndpointEnvironmentVariable, "http://127.0.0.1:5099/apis/");
            Assert.That(new AudioSeparationClientOptions().Endpoint, Is.EqualTo(new Uri("http://127.0.0.1:5099/apis/")));
            Assert.That(new AudioSeparationClientOptions { Endpoint = new Uri("https://other.example/") }.Endpoint.Host, Is.EqualTo("other.example"), "an explicit endpoint wins");

            Environment.SetEnvironmentVariable(AudioSeparationClientOptions.EndpointEnvironmentVariable, "not a url");
            Assert.That(new AudioSeparationClientOptions { ApiKey = Key }.Validate(), Has.Some.StartsWith("CAMB_BASE_URL ('not a url') is not an http(s) URL"));
            Assert.That(new AudioSeparationClientOptions { ApiKey = Key, Endpoint = new Uri("https://ok.example/") }.Validate(), Is.Empty);

            Environment.SetEnvironmentVariable(AudioSeparationClientOptions.EndpointEnvironmentVariable, null);
            Assert.That(new AudioSeparationClientOptions().Endpoint, Is.EqualTo(CambApi.Client.CambApiRestClient.DefaultBaseAddress));
        }
        finally
        {
            Environment.SetEnvironmentVariable(AudioSeparationClientOptions.EndpointEnvironmentVariable, previous);
        }
    }

    [Test]
    public async Task AddCambApi_returns_the_api_clients_builder_so_a_handler_is_added_the_usual_way()
    {
        Api.Given(Request.Create().WithPath("/apis/audio-separation-result/5").UsingGet())
            .RespondWith(Json(200, """{"foreground_audio_url":"https://s.example/f.wav","background_audio_url":"https://s.example/b.wav"}"""));
        var seen = new List<string>();
        var services = new ServiceCollection();
        services.AddCambApi(Config(("CambApi:ApiKey", Key), ("CambApi:Endpoint", Api.Url + "/apis")))
            .AddHttpMessageHandler(() => new Recording(seen));
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<AudioSeparationClient>().GetResultAsync(5);

        Assert.That(seen, Is.EqualTo(new[] { "GET /apis/audio-separation-result/5 key=False" }),
            "inside the library's chain (per attempt), above the key: a caller's handler never sees it");
        Assert.That(Api.LogEntries.Single().RequestMessage!.Headers![ApiKey.HeaderName].Single(), Is.EqualTo(Key), "the key is still sent");
    }

    private sealed class Recording(List<string> seen) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add($"{request.Method} {request.RequestUri!.AbsolutePath} key={request.Headers.Contains(CambApi.Client.ApiKey.HeaderName)}");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
