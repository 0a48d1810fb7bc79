using YamlDotNet.RepresentationModel;

namespace CambApi.OpenApiNormalizer;

/// <summary>Thrown for a spec the client cannot be generated from; the message names what is wrong, in one line.</summary>
internal sealed class UnusableSpecException(string message) : Exception(message);

internal static partial class SpecNormalizer
{
    /// <summary>
    /// What in a spec the generated client cannot be made from, each in one line (empty when it can). Checked before
    /// normalizing, so the build fails naming the cause instead of with a compiler error in generated code, and by
    /// update-spec before it writes anything (a vendor text that fails here leaves openapi/ untouched).
    /// </summary>
    public static IReadOnlyList<string> Unusable(string yaml)
    {
        var (_, root) = Load(yaml);
        var problems = new List<string>();
        var servers = root.Children.TryGetValue(new YamlScalarNode("servers"), out var s) && s is YamlSequenceNode list ? list.Children : [];
        var first = servers.FirstOrDefault() is YamlMappingNode server ? Text(server, "url") : null;
        if (first is null || !Uri.TryCreate(first, UriKind.Absolute, out var address) || address.Scheme is not ("https" or "http"))
        {
            problems.Add($"servers[0].url is {(first is null ? "missing" : $"'{first}', not an absolute http(s) address")}: the client's default base address is generated from it");
        }

        if (Schemas(root) is { } schemas)
        {
            var names = RenamedSchemas(yaml);
            foreach (var (key, schema) in schemas.Children)
            {
                if (key is not YamlScalarNode { Value: { } name } || schema is not YamlMappingNode map ||
                    !map.Children.TryGetValue(new YamlScalarNode("properties"), out var p) || p is not YamlMappingNode properties)
                {
                    continue;
                }

                var className = names.GetValueOrDefault(name, name);
                foreach (var field in properties.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value!))
                {
                    // Class.liquid PascalCases a field; C# forbids a member named like its class (CS0542).
                    if (PascalCase(field) == className)
                    {
                        problems.Add($"schema {name} has a field '{field}' whose C# property would be named like its class ({className}), which C# forbids");
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>Throws <see cref="UnusableSpecException"/> naming every problem <see cref="Unusable"/> finds.</summary>
    public static void EnsureUsable(string yaml)
    {
        var problems = Unusable(yaml);
        if (problems.Count > 0)
        {
            throw new UnusableSpecException(string.Join("; ", problems));
        }
    }
}
