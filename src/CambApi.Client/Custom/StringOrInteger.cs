using System.Globalization;
using Newtonsoft.Json;

namespace CambApi.Client;

/// <summary>
/// A value that is either a string or an integer: OpenAPI 3.1 <c>anyOf: [string, integer]</c>, as in FastAPI's
/// <see cref="ValidationError.Loc"/> (<c>["body", "run_ids", 0]</c>).
/// </summary>
/// <remarks>
/// Custom because NSwag maps <c>anyOf</c> over primitives to an empty class that cannot hold either value.
/// The spec normalizer points every such union at this name and nswag.json excludes it from generation.
/// </remarks>
[JsonConverter(typeof(StringOrIntegerJsonConverter))]
public readonly record struct StringOrInteger
{
    private readonly string? _string;
    private readonly long _integer;

    /// <summary>A string value (a section or field name in a <c>loc</c>).</summary>
    public StringOrInteger(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _string = value;
    }

    /// <summary>An integer value (an array index in a <c>loc</c>).</summary>
    public StringOrInteger(long value) => _integer = value;

    /// <summary>True when the value is an integer (for a <c>loc</c>, an index into an array).</summary>
    public bool IsInteger => _string is null;

    /// <summary>True when the value is a string (for a <c>loc</c>, a section or a field name).</summary>
    public bool IsString => _string is not null;

    /// <summary>The string; throws when <see cref="IsString"/> is false.</summary>
    public string AsString() => _string ?? throw new InvalidOperationException($"The value is the integer {_integer}, not a string.");

    /// <summary>The integer; throws when <see cref="IsInteger"/> is false.</summary>
    public long AsInt64() => _string is null ? _integer : throw new InvalidOperationException($"The value is the string \"{_string}\", not an integer.");

    /// <summary>A string value.</summary>
    public static implicit operator StringOrInteger(string value) => new(value);

    /// <summary>An integer value.</summary>
    public static implicit operator StringOrInteger(long value) => new(value);

    /// <summary>A string value (the named alternative to the implicit conversion).</summary>
    public static StringOrInteger FromString(string value) => new(value);

    /// <summary>An integer value (the named alternative to the implicit conversion).</summary>
    public static StringOrInteger FromInt64(long value) => new(value);

    /// <summary>The string, or the integer in invariant digits.</summary>
    public override string ToString() => _string ?? _integer.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Reads a JSON string or integer into <see cref="StringOrInteger"/> and writes it back unchanged.</summary>
public sealed class StringOrIntegerJsonConverter : JsonConverter<StringOrInteger>
{
    /// <inheritdoc/>
    public override StringOrInteger ReadJson(JsonReader reader, Type objectType, StringOrInteger existingValue, bool hasExistingValue, JsonSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return reader.TokenType switch
        {
            JsonToken.String => new StringOrInteger((string)reader.Value!),
            JsonToken.Integer => new StringOrInteger(Convert.ToInt64(reader.Value, CultureInfo.InvariantCulture)),
            _ => throw new JsonSerializationException(
                $"Expected a string or an integer at '{reader.Path}' but found {reader.TokenType}."),
        };
    }

    /// <inheritdoc/>
    public override void WriteJson(JsonWriter writer, StringOrInteger value, JsonSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.IsString)
        {
            writer.WriteValue(value.AsString());
        }
        else
        {
            writer.WriteValue(value.AsInt64());
        }
    }
}
