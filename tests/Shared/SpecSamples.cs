using Microsoft.OpenApi;
using Newtonsoft.Json.Linq;

namespace CambApi.Testing;

/// <summary>
/// What the spec says of its schemas, for tests that must follow the vendor's text rather than pin today's: which
/// schemas answers use, which of their fields are required or nullable, and a body that keeps every promise (each
/// field present with a value of its type). A vendor change to optionality, nullability or a new field moves these tests
/// with it.
/// </summary>
internal static class SpecSamples
{
    /// <summary>The component schemas with fields that some operation's answer (any status) is made of, directly or nested.</summary>
    public static IReadOnlyList<string> ResponseSchemas() =>
        VendorSpec.Operations()
            .SelectMany(o => o.Operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>())
            .SelectMany(r => r.Content?.Values ?? [])
            .SelectMany(m => Referenced(m.Schema))
            .Distinct()
            .Where(name => Schema(name).Properties is { Count: > 0 })
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The component schemas that some operation's JSON request body is made of.</summary>
    public static IReadOnlyList<string> JsonRequestSchemas() =>
        VendorSpec.Operations()
            .Select(o => o.Operation.RequestBody?.Content)
            .SelectMany(c => c is not null && c.TryGetValue("application/json", out var media) ? Referenced(media.Schema) : [])
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The component schemas with fields that some operation's request (parameters or body, any media type) is made of.</summary>
    public static IReadOnlyList<string> RequestSchemas() =>
        VendorSpec.Operations()
            .SelectMany(o => (o.Operation.Parameters ?? []).Select(p => p.Schema)
                .Concat(o.Operation.RequestBody?.Content?.Values.Select(m => m.Schema) ?? []))
            .SelectMany(schema => Referenced(schema))
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// A required number or boolean of a schema only answers use: generated nullable (<c>long?</c>) whatever the spec
    /// promises, because answers are read tolerantly (the normalizer's rule) — so a null in it reads as null, unflagged.
    /// </summary>
    public static bool IsAnswerNumber(string schema, string field) =>
        ResponseSchemas().Contains(schema) && !RequestSchemas().Contains(schema) && Required(schema).Contains(field) &&
        Schema(schema).Properties![field] is { } property && property is not OpenApiSchemaReference &&
        (property.Type & ~JsonSchemaType.Null) is JsonSchemaType.Integer or JsonSchemaType.Number or JsonSchemaType.Boolean;

    public static IOpenApiSchema Schema(string name) => VendorSpec.Document.Components!.Schemas![name];

    public static ISet<string> Required(string schema) => Schema(schema).Required ?? new HashSet<string>();

    /// <summary>True when the spec lets the field be null (<c>anyOf [X, null]</c> or a type list with null).</summary>
    public static bool IsNullable(IOpenApiSchema field) =>
        field.AnyOf?.Any(s => s is not OpenApiSchemaReference && s.Type == JsonSchemaType.Null) == true ||
        field.OneOf?.Any(s => s is not OpenApiSchemaReference && s.Type == JsonSchemaType.Null) == true ||
        (field is not OpenApiSchemaReference && field.Type?.HasFlag(JsonSchemaType.Null) == true);

    /// <summary>A value that keeps every promise of <paramref name="schema"/>: all fields present, each of its type.</summary>
    public static JToken Sample(IOpenApiSchema schema, int depth = 0)
    {
        if (depth > 8)
        {
            return JValue.CreateNull();
        }

        if (schema.Enum is { Count: > 0 } values)
        {
            return JToken.Parse(values.First()!.ToJsonString());
        }

        var branch = schema.AnyOf?.Concat(schema.OneOf ?? []).FirstOrDefault(s => s is OpenApiSchemaReference || s.Type != JsonSchemaType.Null);
        if (branch is not null)
        {
            return Sample(branch, depth + 1);
        }

        var type = (schema.Type ?? (schema.Properties is { Count: > 0 } ? JsonSchemaType.Object : 0)) & ~JsonSchemaType.Null;
        return type switch
        {
            JsonSchemaType.String => "sample",
            JsonSchemaType.Integer => 7,
            JsonSchemaType.Number => 7.5,
            JsonSchemaType.Boolean => true,
            JsonSchemaType.Array => new JArray(Sample(schema.Items!, depth + 1)),
            JsonSchemaType.Object when schema.Properties is { Count: > 0 } properties =>
                new JObject(properties.Select(p => new JProperty(p.Key, Sample(p.Value, depth + 1)))),
            JsonSchemaType.Object when schema.AdditionalProperties is { } each => new JObject(new JProperty("7", Sample(each, depth + 1))),
            _ => new JObject(),
        };
    }

    /// <summary>Names of the component schemas a schema uses, itself included when it is a reference, nested ones too.</summary>
    private static IEnumerable<string> Referenced(IOpenApiSchema? schema, HashSet<string>? seen = null)
    {
        seen ??= new HashSet<string>(StringComparer.Ordinal);
        if (schema is null)
        {
            yield break;
        }

        if (schema is OpenApiSchemaReference reference && reference.Reference.Id is { } id)
        {
            if (!seen.Add(id))
            {
                yield break;
            }

            yield return id;
            schema = Schema(id);
        }

        var parts = (schema.Properties?.Values ?? []).Concat(schema.AnyOf ?? []).Concat(schema.OneOf ?? []).Concat(schema.AllOf ?? [])
            .Append(schema.Items).Append(schema.AdditionalProperties);
        foreach (var part in parts)
        {
            foreach (var name in Referenced(part, seen))
            {
                yield return name;
            }
        }
    }
}
