using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>
/// A unit of provenance: a top-level key (<c>info</c>, <c>servers</c>, ...), one path item (<c>paths//x</c>) or one
/// component (<c>components/schemas/X</c>). Vendor text is carried, and checked, a part at a time.
/// </summary>
internal readonly record struct PartId(string Section, string Key) : IComparable<PartId>
{
    public override string ToString() => Section.Length == 0 ? Key : $"{Section}/{Key}";

    public string[] KeyPath => Section.Length == 0 ? [Key] : [.. Section.Split('/'), Key];

    /// <summary>Parts whose value is a mapping of ours and so can carry an <c>x-source</c> mark.</summary>
    public bool Markable => Section.Length > 0 || Key == "info";

    public int CompareTo(PartId other) => string.CompareOrdinal(ToString(), other.ToString());
}

internal static class SpecParts
{
    /// <summary>Every part of a document, in document order.</summary>
    public static IEnumerable<(PartId Id, YamlNode Node)> Of(YamlMappingNode root)
    {
        foreach (var (key, value) in root.Entries())
        {
            switch (key)
            {
                case "paths":
                    foreach (var (path, item) in value.Entries())
                    {
                        yield return (new PartId("paths", path), item);
                    }

                    break;
                case "components":
                    foreach (var (kind, entries) in value.Entries())
                    {
                        foreach (var (name, component) in entries.Entries())
                        {
                            yield return (new PartId($"components/{kind}", name), component);
                        }
                    }

                    break;
                default:
                    if (!key.StartsWith("x-", StringComparison.Ordinal))
                    {
                        yield return (new PartId("", key), value);
                    }

                    break;
            }
        }
    }

    public static YamlNode? Find(YamlMappingNode root, PartId id) => root.GetPath(id.KeyPath);

    /// <summary>
    /// Vendor-owned: marked <c>x-source: verbatim</c>, or a top-level value that cannot carry a mark
    /// (<c>openapi</c>, <c>servers</c>, <c>security</c>): the spec never writes those itself.
    /// </summary>
    public static bool IsVendorOwned(PartId id, YamlNode node) => node.IsVerbatim() || (!id.Markable && node is not YamlMappingNode);

    /// <summary>Names of the component schemas a node refers to, directly.</summary>
    public static IEnumerable<string> References(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Entries().SelectMany(e =>
            e.Key == "$ref" && e.Value.Text() is { } target ? [target] : References(e.Value)),
        YamlSequenceNode seq => seq.Children.SelectMany(References),
        _ => [],
    };

    /// <summary>
    /// True when <paramref name="node"/> uses the part <paramref name="id"/>: a local <c>$ref</c> to it, or, for a security
    /// scheme, a security requirement naming it (requirements name schemes without a <c>$ref</c>).
    /// </summary>
    public static bool Uses(YamlNode node, PartId id) =>
        References(node).Any(r => Target(r) == id) ||
        (id.Section == "components/securitySchemes" && SecuritySchemesNamed(node).Contains(id.Key));

    /// <summary>The scheme names every <c>security</c> requirement list under a node names.</summary>
    private static IEnumerable<string> SecuritySchemesNamed(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Entries().SelectMany(e => e.Key == "security"
            ? e.Value.Items().SelectMany(alternative => alternative.Entries().Select(s => s.Key))
            : SecuritySchemesNamed(e.Value)),
        YamlSequenceNode seq => seq.Children.SelectMany(SecuritySchemesNamed),
        _ => [],
    };

    /// <summary>The part a local reference such as <c>#/components/schemas/X</c> points at.</summary>
    public static PartId? Target(string reference)
    {
        if (!reference.StartsWith("#/components/", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = reference["#/components/".Length..].Split('/', 2);
        return rest.Length == 2 ? new PartId($"components/{rest[0]}", rest[1].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)) : null;
    }
}
