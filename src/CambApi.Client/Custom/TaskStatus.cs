using Newtonsoft.Json;

namespace CambApi.Client;

/// <summary>
/// The status of a separation task (<c>TaskStatus</c> in the spec). An extensible enum: the vendor adds values
/// over time (newer SDKs list three, the service sends five), so an unknown value is kept, not a crash.
/// </summary>
/// <remarks>
/// Custom because NSwag generates a closed C# enum, and Newtonsoft throws on a value the enum lacks. Excluded
/// from generation in nswag.json; the contract suite checks every spec value has a member here.
/// </remarks>
[JsonConverter(typeof(TaskStatusJsonConverter))]
public readonly record struct TaskStatus
{
    public TaskStatus(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
    }

    /// <summary>The wire value, e.g. <c>PENDING</c>.</summary>
    public string Value { get => field ?? string.Empty; }

    public static TaskStatus Success { get; } = new("SUCCESS");

    public static TaskStatus Pending { get; } = new("PENDING");

    /// <summary>Processing exceeded the service's time limit.</summary>
    public static TaskStatus Timeout { get; } = new("TIMEOUT");

    public static TaskStatus Error { get; } = new("ERROR");

    /// <summary>Insufficient credits.</summary>
    public static TaskStatus PaymentRequired { get; } = new("PAYMENT_REQUIRED");

    /// <summary>Every value the spec documents.</summary>
    public static IReadOnlyList<TaskStatus> Known { get; } = [Success, Pending, Timeout, Error, PaymentRequired];

    /// <summary>True for a value this version of the client does not know (treated as still running).</summary>
    public bool IsKnown => Known.Contains(this);

    /// <summary>True when the task will not change any more: SUCCESS, ERROR, TIMEOUT or PAYMENT_REQUIRED.</summary>
    public bool IsTerminal => this == Success || this == Error || this == Timeout || this == PaymentRequired;

    /// <summary>True for a terminal status other than SUCCESS.</summary>
    public bool IsFailure => IsTerminal && this != Success;

    public override string ToString() => Value;
}

/// <summary>Reads any JSON string into <see cref="TaskStatus"/>, known or not.</summary>
public sealed class TaskStatusJsonConverter : JsonConverter<TaskStatus>
{
    public override TaskStatus ReadJson(JsonReader reader, Type objectType, TaskStatus existingValue, bool hasExistingValue, JsonSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.TokenType == JsonToken.String && reader.Value is string { Length: > 0 } value
            ? new TaskStatus(value)
            : throw new JsonSerializationException($"Expected a non-empty status string at '{reader.Path}' but found {reader.TokenType}.");
    }

    public override void WriteJson(JsonWriter writer, TaskStatus value, JsonSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteValue(value.Value);
    }
}
