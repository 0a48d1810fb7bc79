using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>
/// Proves the vendor-owned parts of openapi/camb-api.yaml are the vendor's current text: each equals the newest
/// vendor file holding it (openapi/vendor/, ordered by sources.json) once our <c>x-source</c> marks are set aside,
/// nothing the vendor publishes is missing, and nothing is marked verbatim that no vendor file holds.
/// </summary>
internal static class VerbatimCheck
{
    public static IReadOnlyList<string> Differences(string specYaml, VendorStore store) =>
        Differences(Yaml.Load(specYaml, "openapi/camb-api.yaml"), store);

    public static IReadOnlyList<string> Differences(YamlMappingNode spec, VendorStore store)
    {
        var problems = new List<string>(store.Problems);
        var vendor = store.Current();
        var ours = SpecParts.Of(spec).ToDictionary(p => p.Id, p => p.Node);
        foreach (var (id, part) in vendor)
        {
            if (!ours.TryGetValue(id, out var node))
            {
                problems.Add($"{id}: in vendor text {part.File} but missing from the spec.");
            }
            else if (!SpecParts.IsVendorOwned(id, node))
            {
                // Reconstructed parts the vendor now publishes are listed by update-spec, not an error.
                continue;
            }
            else if (!Yaml.SameValue(node, part.Node, Yaml.IsSourceKey))
            {
                problems.Add($"{id}: differs from the vendor's text in {part.File}.");
            }
        }

        foreach (var (id, node) in ours)
        {
            if (node.IsVerbatim() && !vendor.ContainsKey(id))
            {
                problems.Add($"{id}: marked x-source: verbatim, but no vendor file holds it.");
            }
        }

        return problems;
    }
}
