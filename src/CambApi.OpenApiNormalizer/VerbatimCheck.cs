using YamlDotNet.RepresentationModel;

namespace CambApi.OpenApiNormalizer;

/// <summary>
/// Proves the parts of openapi/camb-api.yaml marked <c>x-source: verbatim</c> are the vendor's text: each must
/// equal its counterpart in a vendor fragment (openapi/vendor/*.yaml) once our <c>x-source</c> keys are set aside,
/// and nothing may be marked verbatim that no vendor fragment holds.
/// </summary>
internal static class VerbatimCheck
{
    private static readonly YamlScalarNode SourceKey = new("x-source");

    public static IReadOnlyList<string> Differences(string specYaml, IEnumerable<(string Name, string Yaml)> vendorFragments)
    {
        var spec = Load(specYaml);
        var problems = new List<string>();
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, yaml) in vendorFragments)
        {
            var vendor = Load(yaml);
            foreach (var section in new[] { "paths", "components/schemas", "components/securitySchemes" })
            {
                foreach (var (key, vendorNode) in Section(vendor, section))
                {
                    var id = $"{section}/{key}";
                    covered.Add(id);
                    var ours = Section(spec, section).FirstOrDefault(e => e.Key == key).Node;
                    if (ours is null)
                    {
                        problems.Add($"{id}: in vendor fragment {name} but missing from the spec.");
                    }
                    else if (!IsVerbatim(ours))
                    {
                        problems.Add($"{id}: vendor text ({name}) but not marked x-source: verbatim.");
                    }
                    else if (!SameIgnoringSource(ours, vendorNode))
                    {
                        problems.Add($"{id}: differs from the vendor's text in {name}.");
                    }
                }
            }
        }

        foreach (var section in new[] { "paths", "components/schemas", "components/securitySchemes" })
        {
            foreach (var (key, node) in Section(spec, section))
            {
                if (IsVerbatim(node) && !covered.Contains($"{section}/{key}"))
                {
                    problems.Add($"{section}/{key}: marked x-source: verbatim, but no vendor fragment holds it.");
                }
            }
        }

        return problems;
    }

    private static YamlMappingNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static IEnumerable<(string Key, YamlNode Node)> Section(YamlMappingNode root, string path)
    {
        YamlNode? node = root;
        foreach (var part in path.Split('/'))
        {
            node = node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(part), out var child) ? child : null;
        }

        return node is YamlMappingNode map
            ? map.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value))
            : [];
    }

    private static bool IsVerbatim(YamlNode node) =>
        node is YamlMappingNode m && m.Children.TryGetValue(SourceKey, out var v) && v is YamlScalarNode { Value: "verbatim" };

    private static bool SameIgnoringSource(YamlNode a, YamlNode b) => (a, b) switch
    {
        (YamlScalarNode x, YamlScalarNode y) => x.Value == y.Value,
        (YamlSequenceNode x, YamlSequenceNode y) => x.Children.Count == y.Children.Count && x.Children.Zip(y.Children).All(p => SameIgnoringSource(p.First, p.Second)),
        (YamlMappingNode x, YamlMappingNode y) => SameMapping(x, y),
        _ => false,
    };

    private static bool SameMapping(YamlMappingNode x, YamlMappingNode y)
    {
        var xs = x.Children.Where(kv => !kv.Key.Equals(SourceKey)).ToList();
        var ys = y.Children.Where(kv => !kv.Key.Equals(SourceKey)).ToList();
        return xs.Count == ys.Count && xs.All(kv => y.Children.TryGetValue(kv.Key, out var other) && SameIgnoringSource(kv.Value, other));
    }
}
