using System.Net;
using YamlDotNet.RepresentationModel;

namespace CambApi.OpenApiNormalizer;

/// <summary>
/// Names every inline object schema that would become a generated class. NSwag names one after where it sits — an
/// inline response body becomes <c>Response</c>, a request body <c>Body</c>, a field <c>Ctx</c> — names that collide
/// with types every consumer imports (WireMock's <c>Response</c>, ASP.NET's <c>Request</c>) and that change when a
/// second one appears (<c>Response2</c>). Here each is moved to components.schemas under a name of its place, the same
/// on every regeneration: <c>{Method}{Status}Body</c> (<c>GetAudioSeparationRunInfoNotFoundBody</c>),
/// <c>{Method}Request</c>, <c>{Owner}{Field}</c>, <c>…Item</c> for array items, <c>…Value</c> for map values.
/// </summary>
internal static partial class SpecNormalizer
{
    private static void NameInlineSchemas(YamlMappingNode root)
    {
        var schemas = Schemas(root) ?? GetOrAdd(GetOrAdd(root, "components"), "schemas");
        var pending = new Queue<(string Name, YamlMappingNode Schema)>();
        foreach (var (key, value) in schemas.Children)
        {
            if (key is YamlScalarNode { Value: { } name } && value is YamlMappingNode schema)
            {
                pending.Enqueue((name, schema));
            }
        }

        foreach (var (path, method, op) in Operations(root))
        {
            var name = MethodName(path, method, op);
            if (Child(op, "requestBody") is { } body)
            {
                NameContent(body, $"{name}Request", $"The request body of {name}Async.");
            }

            foreach (var (status, response) in Child(op, "responses")?.Children.ToList() ?? [])
            {
                if (status is YamlScalarNode { Value: { } code } && response is YamlMappingNode r)
                {
                    var why = Text(r, "description") is { Length: > 0 } d ? $" ({d.Trim().TrimEnd('.')})" : "";
                    NameContent(r, InlineBodyName(name, code), $"The body of the {code} answer to {name}Async{why}.");
                }
            }
        }

        while (pending.TryDequeue(out var owner))
        {
            if (Child(owner.Schema, "properties") is not { } properties)
            {
                continue;
            }

            foreach (var (field, property) in properties.Children.ToList())
            {
                if (field is YamlScalarNode { Value: { } wire } && property is YamlMappingNode p)
                {
                    NameInPlace(p, $"{owner.Name}{PascalCase(wire)}", $"The {wire} field of {owner.Name}.", replace => properties.Children[field] = replace);
                }
            }
        }

        void NameContent(YamlMappingNode holder, string name, string description)
        {
            foreach (var (_, media) in Child(holder, "content")?.Children.ToList() ?? [])
            {
                if (media is YamlMappingNode m && Child(m, "schema") is { } schema)
                {
                    NameInPlace(schema, name, description, replace => m.Children[new YamlScalarNode("schema")] = replace);
                }
            }
        }

        // A class-shaped schema is moved and replaced by a reference; arrays and maps keep their shape, their element is
        // named. A moved schema without a description gets one from its place: every generated type has XML docs.
        void NameInPlace(YamlMappingNode schema, string name, string description, Action<YamlMappingNode> replace)
        {
            if (Child(schema, "properties") is { Children.Count: > 0 })
            {
                var unique = name;
                for (var n = 2; schemas.Children.ContainsKey(new YamlScalarNode(unique)); n++)
                {
                    unique = $"{name}{n}";
                }

                // NJsonSchema prefers an identifier-like title to the component's key; the title becomes the name too.
                schema.Children[new YamlScalarNode("title")] = new YamlScalarNode(unique);
                if (!schema.Children.ContainsKey(new YamlScalarNode("description")))
                {
                    schema.Children[new YamlScalarNode("description")] = new YamlScalarNode(description);
                }

                schemas.Children[new YamlScalarNode(unique)] = schema;
                replace(new YamlMappingNode(new YamlScalarNode("$ref"), new YamlScalarNode($"#/components/schemas/{unique}")));
                pending.Enqueue((unique, schema));
                return;
            }

            if (Child(schema, "items") is { } items)
            {
                NameInPlace(items, $"{name}Item", $"An item of {name}.", r => schema.Children[new YamlScalarNode("items")] = r);
            }

            if (Child(schema, "additionalProperties") is { } values)
            {
                NameInPlace(values, $"{name}Value", $"A value of {name}.", r => schema.Children[new YamlScalarNode("additionalProperties")] = r);
            }
        }
    }

    /// <summary>The C# name of an operation's inline body for <paramref name="status"/>: <c>GetAudioSeparationRunInfoNotFoundBody</c>.</summary>
    internal static string InlineBodyName(string methodName, string status) => $"{methodName}{StatusName(status)}Body";

    /// <summary>"404" → NotFound, "200" → Ok, "4XX" → ClientError, "default" → Default: the status as a word.</summary>
    internal static string StatusName(string status) => status.ToUpperInvariant() switch
    {
        "DEFAULT" => "Default",
        "1XX" => "Informational",
        "2XX" => "Success",
        "3XX" => "Redirection",
        "4XX" => "ClientError",
        "5XX" => "ServerError",
        "200" => "Ok",
        var code when int.TryParse(code, out var n) && Enum.IsDefined((HttpStatusCode)n) => ((HttpStatusCode)n).ToString(),
        var code => $"Status{code}",
    };

    private static YamlMappingNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value as YamlMappingNode : null;
}
