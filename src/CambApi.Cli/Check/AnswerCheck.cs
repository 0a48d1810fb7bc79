using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace CambApi.Cli.Check;

/// <summary>
/// Checks one answer's body against its schema: JsonSchema.Net for types, enums and formats (a real JSON Schema
/// 2020-12 validator), and a walk for what a validator lets through because FastAPI's schemas allow any extra property —
/// fields the spec does not know, and fields it declares that the answer lacks. A required field left out is a broken
/// promise, and a field that seems renamed (an unknown field shares its first word) breaks callers whatever the spec says
/// of optionality: both BREAKING. Any other optional field left out is what the spec allows, and no finding.
/// </summary>
internal sealed class AnswerCheck(SpecSchemas spec)
{
    /// <summary>Each operation's answer schema, as JSON (for the walk) and built (for the validator), made once.</summary>
    private readonly Dictionary<string, (JsonObject Node, JsonSchema Schema)> _schemas = [];

    public IReadOnlyList<DriftFinding> Check(string operation, string method, string path, string? mediaType, string body)
    {
        if (mediaType != "application/json")
        {
            return [new(true, operation, $"answered {mediaType ?? "no content type"}, not JSON")];
        }

        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return [new(true, operation, "the answer is not valid JSON")];
        }

        if (!_schemas.TryGetValue(operation, out var answer))
        {
            var node = spec.Answer(method, path);
            _schemas[operation] = answer = (node, JsonSchema.FromText(node.ToJsonString()));
        }

        var (schemaNode, schema) = answer;
        var findings = new List<DriftFinding>();
        Walk(operation, schemaNode, instance, "", findings);

        var results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!results.IsValid)
        {
            var details = results.Details ?? [];
            var valid = details.Where(d => d.IsValid).Select(d => d.EvaluationPath.ToString()).ToHashSet();
            foreach (var detail in details.Where(d => !d.IsValid && !UnderPassingNode(d, valid)))
            {
                foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
                {
                    // Required fields are the walk's (it names them once, with a likely rename); anyOf repeats its branches.
                    if (keyword is "required" or "anyOf" or "oneOf" or "$ref")
                    {
                        continue;
                    }

                    var field = FieldName(detail.InstanceLocation.ToString());
                    findings.Add(keyword == "enum"
                        ? new(false, operation, $"{field}: value {Value(instance, detail.InstanceLocation.ToString())} is not one openapi/ lists (the client treats an unknown status as still running)")
                        : new(true, operation, $"{field}: {message}"));
                }
            }
        }

        return findings.Distinct().ToList();
    }

    /// <summary>
    /// A failure under a node that passed is no failure: one branch of an anyOf (the integer branch of "integer or null")
    /// fails for every null, and the anyOf itself passes.
    /// </summary>
    private static bool UnderPassingNode(EvaluationResults detail, HashSet<string> valid)
    {
        var path = detail.EvaluationPath.ToString();
        for (var at = path.LastIndexOf('/'); at > 0; at = path.LastIndexOf('/', at - 1))
        {
            if (valid.Contains(path[..at]))
            {
                return true;
            }
        }

        return false;
    }

    private void Walk(string operation, JsonNode? schemaNode, JsonNode? instance, string at, List<DriftFinding> findings)
    {
        var schema = spec.Resolve(schemaNode);
        if (schema is null || instance is not JsonObject obj)
        {
            return;
        }

        if (schema["properties"] is JsonObject properties)
        {
            var unknown = obj.Select(p => p.Key).Where(k => !properties.ContainsKey(k)).ToList();
            var missing = properties.Select(p => p.Key).Where(k => !obj.ContainsKey(k)).ToList();
            var required = (schema["required"] as JsonArray ?? []).Select(r => r?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var name in missing)
            {
                // A likely rename: a new field that shares the missing one's first word (foreground_audio_url → foreground_url).
                var like = unknown.Where(u => u.Split('_')[0] == name.Split('_')[0]).ToList();
                // A rename breaks callers whatever the spec says of optionality: the value they read is under another name.
                // Any other optional field left out is what the spec allows: no finding.
                if (like.Count == 1)
                {
                    findings.Add(new(true, operation, $"response field {at}{name} is missing (the answer has {like[0]} instead: renamed? the client reads null)"));
                }
                else if (required.Contains(name))
                {
                    findings.Add(new(true, operation, $"response field {at}{name} is missing (required in openapi/: the client reads null where it is promised)"));
                }
            }

            foreach (var name in unknown)
            {
                findings.Add(new(false, operation, $"new response field {at}{name} (not in openapi/; the client keeps it in AdditionalProperties)"));
            }

            foreach (var (name, value) in obj)
            {
                if (properties[name] is { } propertySchema)
                {
                    Walk(operation, propertySchema, value, $"{at}{name}.", findings);
                }
            }
        }
        else if (schema["additionalProperties"] is JsonObject valueSchema)
        {
            // A map (the batch answer: run id → result): every value against the value schema.
            foreach (var (_, value) in obj)
            {
                Walk(operation, valueSchema, value, at, findings);
            }
        }
    }

    private static string FieldName(string pointer) =>
        pointer is "" or "/" ? "the answer" : $"field {string.Join('.', pointer.Trim('/').Split('/'))}";

    /// <summary>Only an enum's value is shown (a word of the API); other values may be personal data or signed URLs.</summary>
    private static string Value(JsonNode? instance, string pointer)
    {
        var node = instance;
        foreach (var part in pointer.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonObject o ? o[part] : null;
        }

        return node is JsonValue v && v.TryGetValue<string>(out var text) && text.Length <= 40 ? $"'{text}'" : "(not shown)";
    }
}
