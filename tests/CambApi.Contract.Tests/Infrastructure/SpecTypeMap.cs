using System.Collections;
using CambApi.Client;
using Microsoft.OpenApi;
using CambApi.OpenApiNormalizer;

namespace CambApi.Contract.Tests;

/// <summary>
/// What C# type a spec schema must come out as in the generated client. Written independently of the
/// generator (from the JSON Schema meaning), so a generator or normalizer change that maps a schema to the
/// wrong type is caught.
/// </summary>
internal static class SpecTypeMap
{
    public static readonly System.Reflection.Assembly ClientAssembly = typeof(CambApiRestClient).Assembly;

    /// <summary>A description of the expected type and a predicate that accepts the generated one.</summary>
    public sealed record Expectation(string Describe, Func<Type, bool> Accepts, bool Nullable);

    public static Expectation For(IOpenApiSchema schema)
    {
        if (schema is OpenApiSchemaReference reference)
        {
            var id = reference.Reference.Id!;
            var target = VendorSpec.Document.Components!.Schemas![id];
            if (target.Properties is not { Count: > 0 } && target.Enum is not { Count: > 0 })
            {
                return For(target); // a named primitive (RunIDParam: integer) is inlined, not a class
            }

            return new Expectation($"CambApi.Client.{id}", t => t == ClientType(id), false);
        }

        if (schema.AnyOf is { Count: > 0 } anyOf)
        {
            var nullable = anyOf.Any(IsNull);
            var others = anyOf.Where(s => !IsNull(s)).ToList();
            if (others.Count == 1)
            {
                return For(others[0]) with { Nullable = nullable };
            }

            if (others.All(s => s is not OpenApiSchemaReference && IsPrimitive(s.Type)))
            {
                var name = string.Join("Or", others.Select(s => Pascal(PrimitiveName(s.Type!.Value))).Distinct());
                return new Expectation($"CambApi.Client.{name}", t => t == ClientType(name), nullable);
            }

            return new Expectation("object (any JSON value)", t => t == typeof(object), nullable);
        }

        var type = schema.Type ?? 0;
        var isNullable = type.HasFlag(JsonSchemaType.Null);
        type &= ~JsonSchemaType.Null;
        return type switch
        {
            JsonSchemaType.String when schema.Format == "binary" => new("CambApi.Client.FileParameter (or byte[] in a form DTO)", t => t.Name == "FileParameter" || t == typeof(byte[]), isNullable),
            JsonSchemaType.String => new("string", t => t == typeof(string), isNullable),
            JsonSchemaType.Integer => new("int or long", t => t == typeof(int) || t == typeof(long), isNullable),
            JsonSchemaType.Number => new("double or decimal", t => t == typeof(double) || t == typeof(decimal), isNullable),
            JsonSchemaType.Boolean => new("bool", t => t == typeof(bool), isNullable),
            JsonSchemaType.Array => ArrayOf(For(schema.Items!), isNullable),
            JsonSchemaType.Object when schema.AdditionalProperties is { } values => DictionaryOf(For(values), isNullable),
            _ => new Expectation("object (any JSON value)", t => t == typeof(object), isNullable),
        };
    }

    /// <summary>The generated type of a spec schema, under the C# name the normalizer gives it (Body_… → …Request, TaskStatus → SeparationStatus).</summary>
    public static Type? ClientType(string schemaName) =>
        ClientAssembly.GetType($"CambApi.Client.{RenamedSchemas.Value.GetValueOrDefault(schemaName, schemaName)}");

    private static readonly Lazy<IReadOnlyDictionary<string, string>> RenamedSchemas = new(() => SpecNormalizer.RenamedSchemas(File.ReadAllText(VendorSpec.Path)));

    public static Type StripNullable(Type t) => System.Nullable.GetUnderlyingType(t) ?? t;

    private static Expectation ArrayOf(Expectation item, bool nullable) => new(
        $"a collection of {item.Describe}",
        t => t != typeof(string) && typeof(IEnumerable).IsAssignableFrom(t) && t.IsGenericType &&
             t.GetGenericArguments().Length == 1 && item.Accepts(StripNullable(t.GetGenericArguments()[0])),
        nullable);

    private static Expectation DictionaryOf(Expectation value, bool nullable) => new(
        $"a dictionary of string to {value.Describe}",
        t => t.IsGenericType && t.GetGenericArguments() is [var k, var v] && k == typeof(string) && value.Accepts(StripNullable(v)),
        nullable);

    private static bool IsNull(IOpenApiSchema s) => s is not OpenApiSchemaReference && s.Type == JsonSchemaType.Null;

    private static bool IsPrimitive(JsonSchemaType? t) =>
        t is JsonSchemaType.String or JsonSchemaType.Integer or JsonSchemaType.Number or JsonSchemaType.Boolean;

    private static string PrimitiveName(JsonSchemaType t) => t.ToString().ToLowerInvariant();

    private static string Pascal(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
