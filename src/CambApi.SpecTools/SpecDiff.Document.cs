namespace CambApi.SpecTools;

/// <summary>The document as a whole: its form and version, info, servers, webhooks and the components no rule walks.</summary>
internal sealed partial class SpecDiff
{
    private static readonly string[] DocumentKeys = ["openapi", "info", "servers", "security", "paths", "components", "tags", "webhooks"];

    private static readonly string[] InfoDocumentation = ["contact", "license", "termsOfService"];

    private void CompareDocument()
    {
        CompareOpenApiVersion();
        CompareInfo();
        CompareServers();
        CompareSecuritySchemes();
        CompareSchemas();
        CompareOperations();
        CompareOtherComponents();
        if (!Yaml.SameValue(_old.Get("tags"), _new.Get("tags")))
        {
            Add(Impact.NonBreaking, "tags", "the document's tag list changed (documentation)");
        }

        foreach (var (name, _) in _old.Get("webhooks").Entries().Concat(_new.Get("webhooks").Entries()).DistinctBy(e => e.Key))
        {
            var (o, n) = (_old.GetPath("webhooks", name), _new.GetPath("webhooks", name));
            if (!Yaml.SameValue(o, n, Yaml.IsSourceKey))
            {
                Add(Impact.NonBreaking, $"webhook {name}", $"{(o is null ? "added" : n is null ? "removed" : "changed")} (the client receives no webhooks; an app that serves them reads this)");
            }
        }

        CompareUnknownKeys("document", _old, _new, DocumentKeys);
    }

    /// <summary>A patch of the OpenAPI version reads the same; a minor or major one may change what keywords mean.</summary>
    private void CompareOpenApiVersion()
    {
        var (o, n) = (_old.Text("openapi"), _new.Text("openapi"));
        if (o == n)
        {
            return;
        }

        var sameMinor = o is not null && n is not null && string.Join('.', o.Split('.').Take(2)) == string.Join('.', n.Split('.').Take(2));
        Add(sameMinor ? Impact.NonBreaking : Impact.Changed, "openapi",
            sameMinor ? $"version {o} → {n} (a patch: the same keywords)" : $"version {o} → {n} (keywords may mean something else: the normalizer and the generator read it anew)");
    }

    private void CompareInfo()
    {
        var (o, n) = (_old.Get("info"), _new.Get("info"));
        if (o.Text("version") != n.Text("version"))
        {
            Add(Impact.NonBreaking, "info", $"version {o.Text("version") ?? "(none)"} → {n.Text("version") ?? "(none)"}");
        }

        CompareDocs("info", o, n, ["version"]);
        CompareProvenance("info", o, n);
        foreach (var key in InfoDocumentation.Where(k => !Yaml.SameValue(o.Get(k), n.Get(k))))
        {
            Add(Impact.NonBreaking, "info", $"{key} changed (documentation)");
        }
    }

    /// <summary>
    /// The client's default base address is generated from <c>servers[0]</c>: moving it moves every caller that uses the
    /// default (CHANGED); callers that pass their own address see nothing. Servers after the first are documentation.
    /// A spec without a usable <c>servers[0]</c> is refused before anything is written (the normalizer's check).
    /// </summary>
    private void CompareServers()
    {
        var o = _old.Get("servers").Items().Select(s => s.Text("url")).ToList();
        var n = _new.Get("servers").Items().Select(s => s.Text("url")).ToList();
        if (o.SequenceEqual(n))
        {
            return;
        }

        if (o.FirstOrDefault() != n.FirstOrDefault())
        {
            Add(Impact.Changed, "servers", $"{string.Join(", ", o)} → {string.Join(", ", n)} (the client's default base address follows servers[0]; callers that set their own address are not moved)");
        }
        else
        {
            Add(Impact.NonBreaking, "servers", $"{string.Join(", ", o)} → {string.Join(", ", n)} (servers[0], the client's default, is the same)");
        }
    }

    private void CompareOtherComponents()
    {
        foreach (var (kind, _) in _old.Get("components").Entries().Concat(_new.Get("components").Entries()).DistinctBy(e => e.Key))
        {
            if (kind is "schemas" or "securitySchemes")
            {
                continue;
            }

            var o = _old.GetPath("components", kind);
            var n = _new.GetPath("components", kind);
            foreach (var name in o.Entries().Select(e => e.Key).Union(n.Entries().Select(e => e.Key)))
            {
                if (!Yaml.SameValue(o.Get(name), n.Get(name), Yaml.IsSourceKey))
                {
                    var what = o.Get(name) is null ? "added" : n.Get(name) is null ? "removed" : "changed";
                    Add(what == "added" ? Impact.NonBreaking : Impact.Changed, $"components/{kind}/{name}", $"{what} (used through references; see the operations above)");
                }
            }
        }
    }
}
