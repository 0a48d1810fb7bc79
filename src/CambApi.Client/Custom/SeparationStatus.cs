using Newtonsoft.Json;

namespace CambApi.Client;

/// <summary>
/// The status of a separation task (<c>TaskStatus</c> in the spec; renamed by the normalizer so it does not clash with System.Threading.Tasks.TaskStatus). An extensible enum: the vendor adds values
/// over time (newer SDKs list three, the service sends five), so an unknown value is kept, not a crash.
/// </summary>
/// <remarks>
/// Custom because NSwag generates a closed C# enum, and Newtonsoft throws on a value the enum lacks. Excluded
/// from generation in nswag.json; the contract suite checks every spec value has a member here.
/// </remarks>
[JsonConverter(typeof(SeparationStatusJsonConverter))]
public readonly record struct SeparationStatus
{
    /// <summary>A status by its wire value; any non-empty value, known to this version or not.</summary>
    public SeparationStatus(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
    }

    /// <summary>The wire value, e.g. <c>PENDING</c>.</summary>
    public string Value { get => field ?? string.Empty; }

    /// <summary>Separated: the run id and both tracks are ready.</summary>
    public static SeparationStatus Success { get; } = new("SUCCESS");

    /// <summary>Queued or processing.</summary>
    public static SeparationStatus Pending { get; } = new("PENDING");

    /// <summary>Processing exceeded the service's time limit.</summary>
    public static SeparationStatus Timeout { get; } = new("TIMEOUT");

    /// <summary>Processing failed (see the task's <c>exception_reason</c>).</summary>
    public static SeparationStatus Error { get; } = new("ERROR");

    /// <summary>Insufficient credits.</summary>
    public static SeparationStatus PaymentRequired { get; } = new("PAYMENT_REQUIRED");

    /// <summary>Every value the spec documents.</summary>
    public static IReadOnlyList<SeparationStatus> Known { get; } = [Success, Pending, Timeout, Error, PaymentRequired];

    /// <summary>True for a value this version of the client does not know (treated as still running).</summary>
    public bool IsKnown => Known.Contains(this);

    /// <summary>True when the task will not change any more: SUCCESS, ERROR, TIMEOUT or PAYMENT_REQUIRED.</summary>
    public bool IsTerminal => this == Success || this == Error || this == Timeout || this == PaymentRequired;

    /// <summary>True for a terminal status other than SUCCESS.</summary>
    public bool IsFailure => IsTerminal && this != Success;

    /// <summary>The wire value.</summary>
    public override string ToString() => Value;
}

/// <summary>Reads any JSON string into <see cref="SeparationStatus"/>, known or not.</summary>
public sealed class SeparationStatusJsonConverter : JsonConverter<SeparationStatus>
{
    /// <inheritdoc/>
    public override SeparationStatus ReadJson(JsonReader reader, Type objectType, SeparationStatus existingValue, bool hasExistingValue, JsonSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.TokenType == JsonToken.String && reader.Value is string { Length: > 0 } value
            ? new SeparationStatus(value)
            : throw new JsonSerializationException($"Expected a non-empty status string at '{reader.Path}' but found {reader.TokenType}.");
    }

    /// <inheritdoc/>
    public override void WriteJson(JsonWriter writer, SeparationStatus value, JsonSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteValue(value.Value);
    }
}
