using YamlDotNet.RepresentationModel;

namespace CambApi.OpenApiNormalizer;

internal static partial class SpecNormalizer
{
    private static readonly HashSet<string> ValueTypes = new(StringComparer.Ordinal) { "integer", "number", "boolean" };

    private static readonly HashSet<string> RequestScalars = new(StringComparer.Ordinal) { "string", "integer", "number", "boolean", "array" };

    /// <summary>
    /// Two rules that make C# types follow how the client reads and writes, not each promise of the spec:
    /// <list type="bullet">
    /// <item>In schemas only answers use, a required number or boolean is generated nullable (<c>long?</c>, not <c>long</c>).
    /// Answers are read tolerantly (an answer that leaves a promised field out still reads, the field null), so the C# type
    /// tells the truth; and whether the vendor calls such a field required or nullable never changes its C# type, so a
    /// promise made or withdrawn never breaks a caller's build. Strings and objects need no rule: their nullability is an
    /// annotation, not a different type.</item>
    /// <item>In schemas only requests use, an optional field is generated nullable: null means "left out", and the client
    /// sends nothing for it (NSwag refuses null for a non-nullable form field, which turned "optional, never null" into
    /// "must be given"). The wire never carries a null the spec forbids.</item>
    /// </list>
    /// Runs on the vendor's form (before <c>anyOf</c> is rewritten). The required lists are kept: they still say which
    /// fields were promised (the reader) and which must be sent (the writer).
    /// </summary>
    private static void FollowReadingAndWriting(YamlMappingNode root)
    {
        if (Schemas(root) is not { } schemas)
        {
            return;
        }

        var requests = new HashSet<string>(StringComparer.Ordinal);
        var answers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Children(root, "paths"))
        {
            foreach (var operation in path.Children.Values.OfType<YamlMappingNode>())
            {
                Reach(schemas, Node(operation, "responses"), answers);
                Reach(schemas, Node(operation, "parameters"), requests);
                Reach(schemas, Node(operation, "requestBody"), requests);
            }
        }

        foreach (var name in answers.Except(requests, StringComparer.Ordinal))
        {
            foreach (var (field, property, required) in Fields(schemas, name))
            {
                if (required && Node(property, "type") is YamlScalarNode { Value: { } type } && ValueTypes.Contains(type))
                {
                    AllowNull(property, type);
                }
            }
        }

        foreach (var name in requests.Except(answers, StringComparer.Ordinal))
        {
            foreach (var (field, property, required) in Fields(schemas, name))
            {
                if (!required && Node(property, "type") is YamlScalarNode { Value: { } type } && RequestScalars.Contains(type))
                {
                    AllowNull(property, type);
                }
            }
        }
    }

    /// <summary>A schema's properties, each with whether its schema lists it as required.</summary>
    private static IEnumerable<(string Name, YamlMappingNode Property, bool Required)> Fields(YamlMappingNode schemas, string name)
    {
        if (!schemas.Children.TryGetValue(new YamlScalarNode(name), out var node) || node is not YamlMappingNode schema ||
            Node(schema, "properties") is not YamlMappingNode properties)
        {
            yield break;
        }

        var required = Node(schema, "required") is YamlSequenceNode list
            ? list.Children.OfType<YamlScalarNode>().Select(r => r.Value!).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var (key, value) in properties.Children)
        {
            if (key is YamlScalarNode { Value: { } field } && value is YamlMappingNode property)
            {
                yield return (field, property, required.Contains(field));
            }
        }
    }

    private static void AllowNull(YamlMappingNode property, string type) =>
        property.Children[new YamlScalarNode("type")] = new YamlSequenceNode(
            new YamlScalarNode(type), new YamlScalarNode("null") { Style = YamlDotNet.Core.ScalarStyle.SingleQuoted });

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
