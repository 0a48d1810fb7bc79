using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace CambApi.Client;

/// <summary>
/// The API answered, but not with what was asked: an error status (with the service's <c>detail</c>), or a success
/// whose body could not be read (<see cref="IsUnreadableAnswer"/>).
/// </summary>
/// <remarks>
/// Hand-written (<c>generateExceptionClasses: false</c> in nswag.json) because the generated class must derive from
/// <see cref="CambException"/>, and a partial class cannot change a base the generator declares. The constructors keep
/// the exact signatures the generated client calls.
/// </remarks>
public class CambApiException : CambException
{
    private const int MaxDetailLength = 300;

    /// <summary>An error answer: <paramref name="message"/> is completed with the status and FastAPI's <c>detail</c> from <paramref name="response"/>.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="response">The body as received.</param>
    /// <param name="headers">The response headers.</param>
    /// <param name="innerException">The cause, e.g. a JSON error for an unreadable 2xx.</param>
    public CambApiException(string message, int statusCode, string? response, IReadOnlyDictionary<string, IEnumerable<string>> headers, Exception? innerException)
        : base(Compose(message, statusCode, response, innerException), statusCode, innerException)
    {
        Response = response;
        Headers = headers ?? new Dictionary<string, IEnumerable<string>>();
    }

    /// <summary>The body as received (may be empty; never holds the key, which is only ever sent).</summary>
    public string? Response { get; }

    /// <summary>The response headers (and content headers).</summary>
    public IReadOnlyDictionary<string, IEnumerable<string>> Headers { get; }

    /// <summary>A 2xx whose body was empty or not the documented JSON: the service's answer could not be read.</summary>
    public bool IsUnreadableAnswer => StatusCode is >= 200 and < 300;

    /// <summary>FastAPI's <c>detail</c>: the text, or for a 422 each error as <c>loc: msg</c>.</summary>
    public override string? ServiceDetail => DetailOf(Response);

    /// <summary>The service's <c>x-request-id</c>, when it sent one: quote it to the vendor's support.</summary>
    public override string? RequestId =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, "x-request-id", StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    /// <summary>408, 429 and 5xx may pass; any other answer will be the same next time.</summary>
    public override bool IsTransient => StatusCode is 408 or 429 or >= 500;

    private static string Compose(string message, int statusCode, string? response, Exception? inner)
    {
        if (statusCode is >= 200 and < 300)
        {
            // The generator says "Response was null which was not expected." for an empty body and for JSON null alike.
            var why = inner is JsonException json ? json.Message
                : !message.StartsWith("Response was null", StringComparison.Ordinal) ? message
                : string.IsNullOrWhiteSpace(response) ? "the body was empty" : $"the body was '{(response.Length > 40 ? response[..40] + "…" : response)}'";
            return $"The service's answer (HTTP {statusCode}) could not be read: {why}";
        }

        return DetailOf(response) is { } detail ? $"{message} (HTTP {statusCode}): {detail}" : $"{message} (HTTP {statusCode})";
    }

    /// <summary>Reads FastAPI's error body; anything else (an HTML page from a proxy, say) gives no detail.</summary>
    internal static string? DetailOf(string? response)
    {
        if (string.IsNullOrWhiteSpace(response) || response.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            var detail = JObject.Parse(response)["detail"];
            var text = detail switch
            {
                JValue { Type: JTokenType.String } value => value.Value<string>(),
                JArray errors => string.Join("; ", errors.Select(e =>
                    $"{string.Join('.', (e["loc"] as JArray ?? []).Select(l => l is JValue v ? Convert.ToString(v.Value, CultureInfo.InvariantCulture) : l.ToString()))}: {e["msg"]}")),
                null => null,
                _ => detail.ToString(Formatting.None),
            };
            return text is { Length: > MaxDetailLength } ? text[..MaxDetailLength] + "…" : text;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>An error answer the spec documents, with its typed body (for a 422, <see cref="HTTPValidationError"/>).</summary>
public class CambApiException<TResult> : CambApiException
{
    /// <summary>An error answer with its parsed body.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="response">The body as received.</param>
    /// <param name="headers">The response headers.</param>
    /// <param name="result">The body, parsed into the spec's error type.</param>
    /// <param name="innerException">The cause, if any.</param>
    public CambApiException(string message, int statusCode, string? response, IReadOnlyDictionary<string, IEnumerable<string>> headers, TResult result, Exception? innerException)
        : base(message, statusCode, response, headers, innerException)
    {
        Result = result;
    }

    /// <summary>The typed error body.</summary>
    public TResult Result { get; }
}
