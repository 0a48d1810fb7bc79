using YamlDotNet.RepresentationModel;

namespace CambApi.OpenApiNormalizer;

internal static partial class SpecNormalizer
{
    private static readonly HashSet<string> ValueTypes = new(StringComparer.Ordinal) { "integer", "number", "boolean" };

    /// <summary>
    /// In schemas only answers use, a required number or boolean is generated nullable (<c>long?</c>, not <c>long</c>).
    /// Answers are read tolerantly (an answer that leaves a promised field out still reads, the field null), so the C#
    /// type tells the truth; and whether the vendor calls such a field required or nullable never changes its C# type, so
    /// a promise made or withdrawn never breaks a caller's build. Strings and objects need no rule: their nullability is
    /// an annotation, not a different type. Runs on the vendor's form (before <c>anyOf</c> is rewritten). The required
    /// list is kept: it still tells the reader which fields were promised.
    /// </summary>
    private static void KeepAnswerNumbersNullable(YamlMappingNode root)
    {
        if (Schemas(root) is not { } schemas)
        {
            return;
        }

        var requestOnly = new HashSet<string>(StringComparer.Ordinal);
        var answers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Children(root, "paths"))
        {
            foreach (var operation in path.Children.Values.OfType<YamlMappingNode>())
            {
                Reach(schemas, Node(operation, "responses"), answers);
                Reach(schemas, Node(operation, "parameters"), requestOnly);
                Reach(schemas, Node(operation, "requestBody"), requestOnly);
            }
        }

        foreach (var name in answers.Except(requestOnly, StringComparer.Ordinal))
        {
            if (schemas.Children.TryGetValue(new YamlScalarNode(name), out var node) && node is YamlMappingNode schema &&
                Node(schema, "properties") is YamlMappingNode properties && Node(schema, "required") is YamlSequenceNode required)
            {
                foreach (var field in required.Children.OfType<YamlScalarNode>().Select(r => r.Value!))
                {
                    if (properties.Children.TryGetValue(new YamlScalarNode(field), out var p) && p is YamlMappingNode property &&
                        Node(property, "type") is YamlScalarNode { Value: { } type } && ValueTypes.Contains(type))
                    {
                        property.Children[new YamlScalarNode("type")] = new YamlSequenceNode(
                            new YamlScalarNode(type), new YamlScalarNode("null") { Style = YamlDotNet.Core.ScalarStyle.SingleQuoted });
                    }
                }
            }
        }
    }

    /// <summary>Every component schema <paramref name="node"/> refers to, directly or through the schemas it reaches.</summary>
    private static void Reach(YamlMappingNode schemas, YamlNode? node, HashSet<string> reached)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    if (key is YamlScalarNode { Value: "$ref" } && value is YamlScalarNode { Value: { } target } &&
                        target.StartsWith("#/components/schemas/", StringComparison.Ordinal) && reached.Add(target[21..]) &&
                        schemas.Children.TryGetValue(new YamlScalarNode(target[21..]), out var schema))
                    {
                        Reach(schemas, schema, reached);
                    }
                    else
                    {
                        Reach(schemas, value, reached);
                    }
                }

                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children)
                {
                    Reach(schemas, item, reached);
                }

                break;
        }
    }

    private static YamlNode? Node(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static IEnumerable<YamlMappingNode> Children(YamlMappingNode node, string key) =>
        Node(node, key) is YamlMappingNode map ? map.Children.Values.OfType<YamlMappingNode>() : [];
}
