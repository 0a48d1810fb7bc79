using CambApi.Client;
using CambApi.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// In the DI namespace, as the framework's own Add* extensions are, so `services.AddCambApi` needs no using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="CambApi.AudioSeparationClient"/> on IHttpClientFactory.</summary>
public static class CambApiServiceCollectionExtensions
{
    /// <summary>The named HttpClient for the API (key, retries, redacted logging).</summary>
    public const string ApiHttpClientName = "CambApi";

    /// <summary>The named HttpClient for storage downloads (no key, ever).</summary>
    public const string StorageHttpClientName = "CambApi.Storage";

    /// <summary>Binds the <c>CambApi</c> section of <paramref name="configuration"/>, then applies <paramref name="configure"/>.</summary>
    /// <returns>The API client's builder (<see cref="ApiHttpClientName"/>), to add handlers or settings the usual way.</returns>
    public static IHttpClientBuilder AddCambApi(this IServiceCollection services, IConfiguration configuration, Action<CambApi.AudioSeparationClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddCambApi(options =>
        {
            configuration.GetSection(CambApi.AudioSeparationClientOptions.SectionName).Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary>Registers the client with options set by <paramref name="configure"/>, validated at start-up.</summary>
    /// <returns>The API client's builder (<see cref="ApiHttpClientName"/>), to add handlers or settings the usual way.</returns>
    public static IHttpClientBuilder AddCambApi(this IServiceCollection services, Action<CambApi.AudioSeparationClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<CambApi.AudioSeparationClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CambApi.AudioSeparationClientOptions>, OptionsValidator>());

        // The handlers come from CambPipeline, as for a directly constructed client: one definition of each chain.
        services.AddHttpClient(StorageHttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers() // the framework's logger would log full URLs; ours redacts them
            .ConfigurePrimaryHttpMessageHandler(CambPipeline.CreateStorageTransport)
            .ConfigureAdditionalHttpMessageHandlers((handlers, sp) => Add(handlers, CambPipeline.StorageHandlers(Current(sp), Loggers(sp))));

        // A singleton: the client is thread-safe and disposable, and a transient one resolved from the root provider is
        // kept alive by the container until it is disposed (100 resolutions, 100 clients). The transports recycle their
        // connections (PooledConnectionLifetime), so holding the factory's clients does not pin stale DNS.
        services.TryAddSingleton(sp =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            return new CambApi.AudioSeparationClient(Current(sp), factory.CreateClient(ApiHttpClientName),
                factory.CreateClient(StorageHttpClientName), Loggers(sp));
        });

        return services.AddHttpClient(ApiHttpClientName, (sp, http) =>
            {
                http.BaseAddress = CambApiRestClient.WithTrailingSlash(Current(sp).Endpoint);
                http.Timeout = Timeout.InfiniteTimeSpan; // per-attempt timeouts live in the resilience pipeline
            })
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp => CambPipeline.KeyedApiTransport(Current(sp)))
            .ConfigureAdditionalHttpMessageHandlers((handlers, sp) => Add(handlers, CambPipeline.ApiHandlers(Current(sp), Loggers(sp))));
    }

    private static void Add(IList<DelegatingHandler> handlers, DelegatingHandler[] chain)
    {
        foreach (var handler in chain)
        {
            handlers.Add(handler);
        }
    }

    private static ILoggerFactory Loggers(IServiceProvider sp) => sp.GetRequiredService<ILoggerFactory>();

    private static CambApi.AudioSeparationClientOptions Current(IServiceProvider sp) =>
        sp.GetRequiredService<IOptions<CambApi.AudioSeparationClientOptions>>().Value;

    private sealed class OptionsValidator : IValidateOptions<CambApi.AudioSeparationClientOptions>
    {
        public ValidateOptionsResult Validate(string? name, CambApi.AudioSeparationClientOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
