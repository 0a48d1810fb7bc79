using YamlDotNet.RepresentationModel;

namespace CambApi.OpenApiNormalizer;

/// <summary>
/// The vendor's deprecations reach consumers as <c>[Obsolete(message, DiagnosticId = "CAMB0001")]</c>: every deprecated
/// operation, schema and field gets <c>x-deprecatedMessage</c> (NJsonSchema's key for a class or property; our
/// Client.Method.Documentation.liquid reads it for a method). OpenAPI has no field for the reason, so the message says
/// what is deprecated and quotes the vendor's description when it speaks of the deprecation ("Use … instead").
/// </summary>
/// <remarks>
/// The diagnostic id lets a consumer silence exactly the vendor's deprecations, and lets this repository keep
/// building while it still calls them (Directory.Build.props, the one place that says so, and why).
/// </remarks>
internal static partial class SpecNormalizer
{
    internal const string DeprecatedMessageKey = "x-deprecatedMessage";

    private static void DescribeDeprecations(YamlMappingNode root)
    {
        foreach (var (path, method, op) in Operations(root))
        {
            Describe(op, $"{method.ToUpperInvariant()} {path}");
        }

        foreach (var (key, value) in Schemas(root)?.Children.ToList() ?? [])
        {
            if (key is not YamlScalarNode { Value: { } name } || value is not YamlMappingNode schema)
            {
                continue;
            }

            Describe(schema, name);
            foreach (var (field, property) in Child(schema, "properties")?.Children.ToList() ?? [])
            {
                if (field is YamlScalarNode { Value: { } wire } && property is YamlMappingNode p)
                {
                    Describe(p, $"the field {wire} of {name}");
                }
            }
        }

        static void Describe(YamlMappingNode node, string what)
        {
            if (Text(node, "deprecated") == "true" && !node.Children.ContainsKey(new YamlScalarNode(DeprecatedMessageKey)))
            {
                node.Children[new YamlScalarNode(DeprecatedMessageKey)] = new YamlScalarNode(DeprecationMessage(what, Text(node, "description")));
            }
        }
    }

    /// <summary>"CAMB.AI has deprecated GET /x." plus the vendor's description when it is about the deprecation.</summary>
    internal static string DeprecationMessage(string what, string? description)
    {
        var message = $"CAMB.AI has deprecated {what}.";
        return description is not null && description.Contains("deprecat", StringComparison.OrdinalIgnoreCase)
            ? $"{message} {string.Join(' ', description.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries))}"
            : message;
    }
}
