namespace CambApi.Client;

/// <summary>Validation of CAMB.AI API keys, shared by every way of making a client.</summary>
public static class ApiKey
{
    /// <summary>
    /// The header that carries the key: the <c>APIKeyHeader</c> security scheme of openapi/camb-api.yaml.
    /// The contract suite reads the spec and fails if the two ever disagree.
    /// </summary>
    public const string HeaderName = "x-api-key";

    /// <summary>The environment variable the CLI and the options read the key from when none is given.</summary>
    public const string EnvironmentVariable = "CAMB_API_KEY";

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <paramref name="apiKey"/> cannot be sent as a header value.
    /// The message never contains the key.
    /// </summary>
    public static void Validate(string? apiKey, string paramName = "apiKey")
    {
        if (apiKey is null)
        {
            throw new ArgumentNullException(paramName, "An API key is required. Pass one, or set " + EnvironmentVariable + ".");
        }

        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw new ArgumentException("The API key is empty or white space.", paramName);
        }

        if (apiKey.Any(char.IsControl))
        {
            throw new ArgumentException("The API key contains control characters (a pasted newline?).", paramName);
        }

        if (apiKey.Trim().Length != apiKey.Length)
        {
            throw new ArgumentException("The API key has leading or trailing white space.", paramName);
        }

        if (apiKey.Any(c => c > '\u007e'))
        {
            throw new ArgumentException("The API key contains non-ASCII characters, which HTTP headers cannot carry.", paramName);
        }
    }
}
