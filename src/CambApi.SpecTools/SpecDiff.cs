using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>
/// Compares two versions of the spec and classifies every difference from the client's side, the way a caller of this
/// library feels it: for a response, a field that may now be null breaks callers and one the vendor now promises breaks
/// nobody (answers are read tolerantly); for a request, a new required input breaks and a new optional one does not.
/// Schemas are compared once, as components (one generated class each), in the direction they are used; operations
/// compare their parameters, bodies, responses and security, following a reference only by name. A construct no rule
/// here knows is reported UNCLASSIFIED ("read this by hand"), never passed over.
/// </summary>
/// <remarks>
/// Split by concern: the document (this file and SpecDiff.Document.cs), operations, schemas, security. The classes
/// of change, each with its fixture and exit code, are the table in docs/spec-changes.md.
/// Hand-written: the tools that do this (oasdiff, openapi-changes, Criteo's and Azure's comparators) are Go/Node
/// binaries or packages not served here, and none knows our generator's rules (extensible enums, FastAPI operation
/// ids, tolerant reads, nullable numbers in answers) that decide what a change does to a .NET caller.
/// </remarks>
internal sealed partial class SpecDiff
{
    [Flags]
    private enum Direction
    {
        None = 0,
        Request = 1,
        Response = 2,
    }

    /// <summary>Keys that are documentation wherever they appear: a change to one is NON-BREAKING.</summary>
    private static readonly string[] DocKeys = ["title", "description", "summary", "example", "examples", "externalDocs"];

    private readonly YamlMappingNode _old;
    private readonly YamlMappingNode _new;
    private readonly List<Change> _changes = [];
    private readonly Dictionary<string, string> _renamedSchemas = new(StringComparer.Ordinal);

    private SpecDiff(YamlMappingNode oldSpec, YamlMappingNode newSpec) => (_old, _new) = (oldSpec, newSpec);

    public static IReadOnlyList<Change> Compare(YamlMappingNode oldSpec, YamlMappingNode newSpec)
    {
        var diff = new SpecDiff(oldSpec, newSpec);
        diff.CompareDocument();
        return diff._changes
            .Distinct()
            .OrderBy(c => c.Impact)
            .ThenBy(c => c.Subject, StringComparer.Ordinal)
            .ThenBy(c => c.Detail, StringComparer.Ordinal)
            .ToList();
    }

    private void Add(Impact impact, string subject, string detail, string? gone = null) =>
        _changes.Add(new Change(impact, subject, detail) { Gone = gone });

    /// <summary>The harshest reading when a schema is both sent and received.</summary>
    private static Impact Worst(Direction direction, Impact inRequest, Impact inResponse) => direction switch
    {
        Direction.Request => inRequest,
        Direction.Response => inResponse,
        _ => (Impact)Math.Min((int)inRequest, (int)inResponse),
    };

    /// <summary>
    /// Every key of <paramref name="o"/> or <paramref name="n"/> that no rule of the caller handles, documentation and
    /// extensions aside, whose value changed: UNCLASSIFIED, with both values, so a person reads it.
    /// </summary>
    private void CompareUnknownKeys(string subject, YamlNode? o, YamlNode? n, IReadOnlyCollection<string> handled)
    {
        var keys = o.Entries().Concat(n.Entries()).Select(e => e.Key).Distinct()
            .Where(k => !handled.Contains(k) && !DocKeys.Contains(k) && !k.StartsWith("x-", StringComparison.Ordinal));
        foreach (var key in keys.Where(k => !Yaml.SameValue(o.Get(k), n.Get(k), Yaml.IsSourceKey)))
        {
            Add(Impact.Unclassified, subject, $"{key} {Short(Flow(o.Get(key)))} → {Short(Flow(n.Get(key)))}: not a change the spec tools classify; read it by hand");
        }

        static string Short(string text) => text.Length <= 80 ? text : text[..77] + "...";
    }

    // ----- documentation and provenance -----

    private void CompareDocs(string subject, YamlNode? o, YamlNode? n, string[]? alsoIgnore = null)
    {
        foreach (var key in DocKeys)
        {
            if (!Yaml.SameValue(o.Get(key), n.Get(key)))
            {
                Add(Impact.NonBreaking, subject, $"{key} {Excerpt(o.Get(key), n.Get(key))}");
            }
        }

        var extensions = o.Entries().Concat(n.Entries()).Select(e => e.Key)
            .Where(k => k.StartsWith("x-", StringComparison.Ordinal) && !Yaml.IsSourceKey(k) && alsoIgnore?.Contains(k) != true).Distinct();
        foreach (var key in extensions.Where(k => !Yaml.SameValue(o.Get(k), n.Get(k))))
        {
            Add(Impact.NonBreaking, subject, $"extension {key} {Flow(o.Get(key))} → {Flow(n.Get(key))}");
        }
    }

    /// <summary>A part moving between vendor text and ours is worth a reviewer's eye, though callers never see it.</summary>
    private void CompareProvenance(string subject, YamlNode? o, YamlNode? n)
    {
        var (os, ns) = (Kind(o.Source()), Kind(n.Source()));
        if (os != ns && os is not null && ns is not null)
        {
            Add(Impact.NonBreaking, subject, $"provenance {os} → {ns}");
        }

        static string? Kind(string? source) => source?.Split(':', 2)[0];
    }

    /// <summary>Where two texts differ, with a few words of context either side: "…detected foreground audio." → "…".</summary>
    internal static string Excerpt(YamlNode? o, YamlNode? n)
    {
        if (o is not YamlScalarNode || n is not YamlScalarNode)
        {
            return o is null ? "added" : n is null ? "removed" : "changed";
        }

        var (a, b) = (Words(o.Text()!), Words(n.Text()!));
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)])
        {
            suffix++;
        }

        string Window(string[] words)
        {
            var from = Math.Max(0, prefix - 2);
            var to = Math.Min(words.Length, words.Length - suffix + 2);
            var text = string.Join(' ', words[from..to]);
            if (text.Length > 70)
            {
                text = text[..67] + "...";
            }

            return $"\"{(from > 0 ? "…" : "")}{text}{(to < words.Length ? "…" : "")}\"";
        }

        return $"{Window(a)} → {Window(b)}";

        static string[] Words(string s) => s.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
    }

    private static string Flow(YamlNode? node) => node switch
    {
        null => "(none)",
        YamlScalarNode s => s.Value ?? "null",
        YamlSequenceNode seq => "[" + string.Join(", ", seq.Children.Select(Flow)) + "]",
        YamlMappingNode map => "{" + string.Join(", ", map.Entries().Select(e => e.Key + ": " + Flow(e.Value))) + "}",
        _ => "?",
    };
}
