using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace CambApi.Cli.Check;

/// <summary>
/// The spec this camb was built from (openapi/camb-api.yaml, embedded): each operation's answer schema as a JSON
/// Schema 2020-12 document (OpenAPI 3.1's schemas are JSON Schema: components become <c>$defs</c>, nothing else changes).
/// </summary>
internal sealed class SpecSchemas
{
    private readonly JsonObject _spec;
    private readonly JsonObject _defs;

    private SpecSchemas(JsonObject spec)
    {
        _spec = spec;
        _defs = (JsonObject)RewriteRefs(spec["components"]?["schemas"]?.DeepClone() ?? new JsonObject());
    }

    public static SpecSchemas Embedded()
    {
        using var stream = typeof(SpecSchemas).Assembly.GetManifestResourceStream("camb-api.yaml")
            ?? throw new InvalidOperationException("camb was built without its spec (camb-api.yaml)");
        using var reader = new StreamReader(stream);
        var yaml = new YamlStream();
        yaml.Load(reader);
        return new SpecSchemas((JsonObject)ToJson(yaml.Documents[0].RootNode)!);
    }

    /// <summary>The 200 answer's schema of <paramref name="method"/> <paramref name="path"/>, standalone (its $defs inside).</summary>
    public JsonObject Answer(string method, string path)
    {
        var schema = _spec["paths"]?[path]?[method]?["responses"]?["200"]?["content"]?["application/json"]?["schema"]
            ?? throw new InvalidOperationException($"openapi/ has no 200 JSON answer for {method.ToUpperInvariant()} {path}");
        var root = (JsonObject)RewriteRefs(schema.DeepClone());
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = _defs.DeepClone();
        return root;
    }

    /// <summary>Follows a <c>$ref</c> into <c>$defs</c> (the walk for unknown and missing fields needs the target).</summary>
    public JsonObject? Resolve(JsonNode? schema) =>
        schema is JsonObject o && o["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/$defs/", StringComparison.Ordinal)
            ? Resolve(_defs[reference["#/$defs/".Length..]])
            : schema as JsonObject;

    private static JsonNode RewriteRefs(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } reference)
                    {
                        obj[key] = reference.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
                    }
                    else if (value is not null)
                    {
                        RewriteRefs(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                {
                    RewriteRefs(item);
                }

                break;
        }

        return node;
    }

    /// <summary>YAML to JSON, plain scalars typed as YAML 1.2's core schema types them (quoted ones stay strings).</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: var v } => v switch
        {
            null or "null" or "~" or "" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            _ => JsonValue.Create(v),
        },
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };
}
