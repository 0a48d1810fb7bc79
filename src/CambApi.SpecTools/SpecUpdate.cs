using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>A reconstructed part of ours that the vendor now publishes, and what adopting its text would change.</summary>
internal sealed record PublishedPart(PartId Id, string VendorFile, IReadOnlyList<Change> IfAdopted);

/// <summary>Everything an update would do, computed before anything is written.</summary>
internal sealed record UpdatePlan(
    string OldSpec,
    string NewSpec,
    VendorStore OldStore,
    VendorStore NewStore,
    IReadOnlyList<VendorDocument> Sources,
    IReadOnlyList<SpecEdit> Edits,
    IReadOnlyList<Change> Changes,
    IReadOnlyList<PublishedPart> Published,
    IReadOnlyList<string> Notes)
{
    public bool ChangesNothing => OldSpec == NewSpec && OldStore.SameAs(NewStore);
}

/// <summary>
/// Takes vendor texts into the spec: stores them, carries every changed vendor-owned part into
/// openapi/camb-api.yaml (adding parts the vendor added, removing those it dropped), and leaves our reconstructed
/// parts alone unless asked to adopt the vendor's text for them.
/// </summary>
internal static class SpecUpdate
{
    public static UpdatePlan Plan(string specText, VendorStore store, IReadOnlyList<VendorDocument> sources, bool adopt, string date)
    {
        var newStore = sources.Aggregate(store, (s, d) => s.With(d, date));
        var spec = Yaml.Load(specText, "openapi/camb-api.yaml");
        var vendor = newStore.Current();
        var ours = SpecParts.Of(spec).ToDictionary(p => p.Id, p => p.Node);
        var edits = new List<SpecEdit>();
        var notes = new List<string>();
        var published = new List<PartId>();

        foreach (var (id, part) in vendor)
        {
            if (!ours.TryGetValue(id, out var node))
            {
                edits.Add(new SpecEdit.Carry(part));
            }
            else if (SpecParts.IsVendorOwned(id, node) || adopt)
            {
                if (!Yaml.SameValue(node, part.Node, Yaml.IsSourceKey) || !SpecParts.IsVendorOwned(id, node))
                {
                    edits.Add(new SpecEdit.Carry(part));
                }
            }
            else
            {
                published.Add(id);
            }
        }

        // Vendor-owned parts no vendor text holds any more: gone, unless something we keep still refers to them.
        var dropped = ours.Where(p => p.Value.IsVerbatim() && !vendor.ContainsKey(p.Key)).Select(p => p.Key).ToHashSet();
        var afterCarry = Yaml.Load(SpecMerger.Apply(specText, edits), "openapi/camb-api.yaml");
        bool changed;
        do
        {
            changed = false;
            var kept = SpecParts.Of(afterCarry).Where(p => !dropped.Contains(p.Id)).ToList();
            foreach (var id in dropped.ToList())
            {
                var users = kept.Where(p => SpecParts.Uses(p.Node, id)).Select(p => p.Id.ToString()).ToList();
                if (users.Count > 0)
                {
                    dropped.Remove(id);
                    edits.Add(new SpecEdit.Mark(id, $"reconstructed: no longer published by the vendor; kept for {string.Join(", ", users)}"));
                    notes.Add($"{id}: the vendor no longer publishes it, but {string.Join(", ", users)} still use it; kept and marked reconstructed. Point them at the vendor's replacement, or keep it as ours.");
                    changed = true;
                }
            }
        }
        while (changed);

        edits.AddRange(dropped.Order().Select(id => new SpecEdit.Remove(id)));
        var newSpec = SpecMerger.Apply(specText, edits);
        var newRoot = Yaml.Load(newSpec, "the updated openapi/camb-api.yaml");

        var invalid = VendorSource.Validate(newSpec, "yaml");
        if (invalid.Count > 0)
        {
            throw new SpecInputException($"the vendor text would leave openapi/camb-api.yaml invalid: {string.Join("; ", invalid.Take(3))}");
        }

        var unusable = CambApi.OpenApiNormalizer.SpecNormalizer.Unusable(newSpec);
        if (unusable.Count > 0)
        {
            throw new SpecInputException($"the client cannot be generated from the vendor text: {string.Join("; ", unusable)}");
        }

        var problems = VerbatimCheck.Differences(newRoot, newStore);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("update-spec produced a spec that does not match the vendor text (a bug in the tool):\n" + string.Join('\n', problems));
        }

        notes.AddRange(newStore.Superseded.Select(f => $"openapi/vendor/{f}: retired; the newer vendor text holds everything it held."));
        var publishedParts = published.Select(id =>
        {
            var trial = SpecMerger.Apply(newSpec, [new SpecEdit.Carry(vendor[id])]);
            var changes = SpecDiff.Compare(newRoot, Yaml.Load(trial, "trial"))
                .Where(c => !c.Detail.StartsWith("provenance ", StringComparison.Ordinal)) // adopting is that change
                .ToList();
            return new PublishedPart(id, vendor[id].File, changes);
        }).ToList();

        return new UpdatePlan(specText, newSpec, store, newStore, sources, edits, SpecDiff.Compare(spec, newRoot), publishedParts, notes);
    }

    /// <summary>Writes the plan: vendor texts first, the spec last (each file replaced whole, never half-written).</summary>
    public static void Write(UpdatePlan plan, string specPath)
    {
        plan.NewStore.Save(plan.OldStore);
        if (plan.NewSpec != plan.OldSpec)
        {
            Files.WriteAtomically(specPath, plan.NewSpec);
        }
    }
}
