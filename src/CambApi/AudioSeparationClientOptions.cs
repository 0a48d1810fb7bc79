using CambApi.Client;

namespace CambApi;

/// <summary>Settings for <see cref="AudioSeparationClient"/>; bound from the <c>CambApi</c> configuration section.</summary>
/// <remarks>
/// Defaults follow the vendor: poll every 2–5 s with exponential backoff and a maximum wait; its SDKs retry
/// 408/429/5xx with 1 s × 2ⁿ backoff, jitter, a 60 s cap and <c>Retry-After</c>, and time out after 300 s.
/// </remarks>
public sealed class AudioSeparationClientOptions
{
    /// <summary>The configuration section <c>AddCambApi(IConfiguration)</c> binds.</summary>
    public const string SectionName = "CambApi";

    /// <summary>The API key. When null, <c>CAMB_API_KEY</c> is read from the environment.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The environment variable read for <see cref="Endpoint"/> when nothing sets it (the CLI reads the same one).</summary>
    public const string EndpointEnvironmentVariable = "CAMB_BASE_URL";

    private Uri _endpoint = CambApiRestClient.DefaultBaseAddress;

    // A CAMB_BASE_URL that is not an http(s) URL: reported by Validate (never silently replaced by the vendor's address).
    private string? _invalidEnvironmentEndpoint;

    /// <summary>Settings with the defaults; <see cref="Endpoint"/> from <c>CAMB_BASE_URL</c> when it is set.</summary>
    public AudioSeparationClientOptions()
    {
        if (Environment.GetEnvironmentVariable(EndpointEnvironmentVariable) is { Length: > 0 } url)
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                _endpoint = uri;
            }
            else
            {
                _invalidEnvironmentEndpoint = url;
            }
        }
    }

    /// <summary>The API's base address: <c>CAMB_BASE_URL</c> when set, else the vendor's production service.</summary>
    public Uri Endpoint
    {
        get => _endpoint;
        set
        {
            _endpoint = value;
            _invalidEnvironmentEndpoint = null; // set explicitly: the environment no longer matters
        }
    }

    /// <summary>Time allowed for one HTTP attempt, upload included (vendor SDK default: 300 s).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Retries after the first attempt, for transient failures (408, 429, 5xx, transport errors).</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; doubles per retry, with jitter (vendor SDKs: 1 s).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest retry delay, <c>Retry-After</c> aside (vendor SDKs: 60 s).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The shortest wait between status polls (vendor: poll every 2–5 s). Each wait is this plus
    /// <see cref="PollElapsedFraction"/> of the time waited so far, at most <see cref="PollMaxInterval"/>.
    /// </summary>
    public TimeSpan PollInitialInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How much each wait between polls grows with the time already waited (0.1: a tenth). With the defaults a task
    /// that ends is noticed at most 2 s + 10 % of its length late, and a 10-minute task costs 43 polls.
    /// </summary>
    public double PollElapsedFraction { get; set; } = 0.1;

    /// <summary>Longest wait between polls: a finished task is noticed within this time.</summary>
    public TimeSpan PollMaxInterval { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>Overall deadline for <see cref="SeparationOperation.WaitForCompletionAsync(IProgress{SeparationProgress}?, CancellationToken)"/> (then <see cref="SeparationTimeoutException"/>).</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Clock for polling, deadlines and retry delays; a fake one in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    private readonly List<Func<DelegatingHandler>> _perAttemptHandlers = [];

    /// <summary>
    /// Adds a handler of yours to every attempt of every API request — the place of Azure's
    /// <c>AddPolicy(policy, HttpPipelinePosition.PerRetry)</c> for a client you construct directly; <c>AddCambApi</c> places
    /// these the same way, before the handlers you add to its builder. It runs below the retries and the per-attempt timeout
    /// (once per attempt) and above the API key, which it never sees. <paramref name="create"/> is called for each client
    /// made from these settings (a handler belongs to one chain). Storage downloads do not pass through it.
    /// </summary>
    public void AddPerAttemptHandler(Func<DelegatingHandler> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        _perAttemptHandlers.Add(create);
    }

    /// <summary>The factories <see cref="AddPerAttemptHandler"/> was given, in order.</summary>
    internal IReadOnlyList<Func<DelegatingHandler>> PerAttemptHandlers => _perAttemptHandlers;

    /// <summary>The key to use: <see cref="ApiKey"/>, else the environment variable.</summary>
    public string? ResolveApiKey() => ApiKey ?? Environment.GetEnvironmentVariable(CambApi.Client.ApiKey.EnvironmentVariable);

    /// <summary>Every problem with these settings, in words a user can act on (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        try
        {
            CambApi.Client.ApiKey.Validate(ResolveApiKey(), nameof(ApiKey));
        }
        catch (ArgumentException e)
        {
            errors.Add($"CambApi:ApiKey: {Redaction.WithoutParameterName(e.Message)}");
        }

        if (_invalidEnvironmentEndpoint is not null)
        {
            errors.Add($"{EndpointEnvironmentVariable} ('{_invalidEnvironmentEndpoint}') is not an http(s) URL; fix or unset it, or set the endpoint explicitly (CambApi:Endpoint, camb --base-url).");
        }
        else if (Endpoint is not { IsAbsoluteUri: true } || (Endpoint.Scheme != Uri.UriSchemeHttps && !Endpoint.IsLoopback))
        {
            errors.Add("CambApi:Endpoint must be an absolute https URL (http only for a loopback test server).");
        }

        Positive(errors, nameof(AttemptTimeout), AttemptTimeout);
        Positive(errors, nameof(RetryBaseDelay), RetryBaseDelay);
        Positive(errors, nameof(PollInitialInterval), PollInitialInterval);
        Positive(errors, nameof(MaxWait), MaxWait);
        if (MaxRetries is < 0 or > 10)
        {
            errors.Add("CambApi:MaxRetries must be between 0 and 10.");
        }

        if (RetryMaxDelay < RetryBaseDelay)
        {
            errors.Add("CambApi:RetryMaxDelay must not be shorter than RetryBaseDelay.");
        }

        if (PollMaxInterval < PollInitialInterval)
        {
            errors.Add("CambApi:PollMaxInterval must not be shorter than PollInitialInterval.");
        }

        if (double.IsNaN(PollElapsedFraction) || PollElapsedFraction is < 0 or > 1)
        {
            errors.Add("CambApi:PollElapsedFraction must be between 0 and 1.");
        }

        return errors;
    }

    internal void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid CambApi options: " + string.Join(" ", errors));
        }
    }

    private static void Positive(List<string> errors, string name, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"CambApi:{name} must be positive.");
        }
    }
}
