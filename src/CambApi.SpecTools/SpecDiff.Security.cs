using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>
/// Security, judged by what today's callers can still do. The client sends one credential: the API key, in the header
/// the old spec names for it. A requirement list is OR of ANDs (an empty alternative needs nothing): an operation stays
/// callable while some alternative is made only of schemes that key meets. So adding an alternative, or dropping
/// security, breaks nobody; removing the alternative callers use, adding a scheme to it, renaming its header or moving
/// the key out of the header does. A new scheme the library could offer is a line in the report, not a failure.
/// </summary>
internal sealed partial class SpecDiff
{
    private static readonly string[] SchemeKeys = ["type", "in", "name", "scheme", "bearerFormat", "flows", "openIdConnectUrl"];

    /// <summary>The header names the old spec's operations take the API key in: the credential callers hold today.</summary>
    private HashSet<string>? _keyHeaders;

    private HashSet<string> KeyHeaders => _keyHeaders ??= Operations(_old)
        .SelectMany(op => Requirements(_old, op.Operation))
        .SelectMany(alternative => alternative)
        .Select(scheme => _old.GetPath("components", "securitySchemes", scheme))
        .Where(IsHeaderKey)
        .Select(s => s.Text("name")!)
        .ToHashSet(StringComparer.OrdinalIgnoreCase); // header names are case-insensitive

    private static bool IsHeaderKey(YamlNode? scheme) => scheme.Text("type") == "apiKey" && scheme.Text("in") == "header" && scheme.Text("name") is not null;

    /// <summary>An operation's requirement list (its own, or the document's default), each alternative as its scheme names.</summary>
    private static List<List<string>> Requirements(YamlMappingNode spec, YamlNode operation) =>
        (operation.Get("security") ?? spec.Get("security")).Items().Select(a => a.Entries().Select(e => e.Key).Order(StringComparer.Ordinal).ToList()).ToList();

    /// <summary>True when the API key callers hold meets every scheme of <paramref name="alternative"/> (so an empty one too).</summary>
    private bool KeyMeets(YamlMappingNode spec, List<string> alternative) =>
        alternative.All(name => spec.GetPath("components", "securitySchemes", name) is { } scheme && IsHeaderKey(scheme) && KeyHeaders.Contains(scheme.Text("name")!));

    private static string Describe(YamlMappingNode spec, List<List<string>> alternatives) =>
        alternatives.Count == 0 ? "none" : string.Join(" OR ", alternatives.Select(a => "{" + string.Join(" AND ", a.Select(s => $"{s}: {Scheme(spec, s)}")) + "}"));

    private static string Scheme(YamlMappingNode spec, string name) =>
        spec.GetPath("components", "securitySchemes", name) is not { } s ? "undefined"
        : s.Text("type") == "apiKey" ? $"apiKey in {s.Text("in")} '{s.Text("name")}'"
        : s.Text("type") == "http" ? $"http {s.Text("scheme")}"
        : s.Text("type") ?? "?";

    /// <summary>One operation's requirement, old → new: BREAKING only when no alternative is left that the key meets.</summary>
    private void CompareSecurity(string subject, YamlNode o, YamlNode n)
    {
        var (was, now) = (Requirements(_old, o), Requirements(_new, n));
        var (wasText, nowText) = (Describe(_old, was), Describe(_new, now));
        if (wasText == nowText)
        {
            return;
        }

        var header = string.Join("/", KeyHeaders.Order(StringComparer.Ordinal).Select(h => $"'{h}'"));
        if (now.Count > 0 && !now.Any(a => KeyMeets(_new, a)))
        {
            Add(Impact.Breaking, subject, $"security {wasText} → {nowText}: no alternative can be met with the API key in {(header.Length > 0 ? header : "a header")} any more");
            return;
        }

        Add(Impact.NonBreaking, subject, now.Count == 0 || now.Any(a => a.Count == 0)
            ? $"security {wasText} → {nowText}: no credential is needed any more (the client still sends the key)"
            : $"security {wasText} → {nowText}: the API key still meets an alternative");
        foreach (var offered in now.Where(a => a.Count > 0 && !KeyMeets(_new, a) && !was.Any(w => w.SequenceEqual(a))))
        {
            Add(Impact.NonBreaking, subject, $"new security alternative {{{string.Join(" AND ", offered.Select(s => $"{s}: {Scheme(_new, s)}"))}}}: the library could offer it (today it sends the API key only)");
        }
    }

    /// <summary>
    /// The schemes themselves. A change to the one callers use (its type, location or header) breaks them; the operations
    /// say where. Any other scheme added, removed or changed is NON-BREAKING: no caller holds it.
    /// </summary>
    private void CompareSecuritySchemes()
    {
        var o = _old.GetPath("components", "securitySchemes");
        var n = _new.GetPath("components", "securitySchemes");
        foreach (var (name, old) in o.Entries())
        {
            var subject = $"securityScheme {name}";
            var callersHoldIt = IsHeaderKey(old) && KeyHeaders.Contains(old.Text("name")!);
            if (n.Get(name) is not { } @new)
            {
                Add(Impact.NonBreaking, subject, callersHoldIt ? "removed (the operations say whether the key still meets them)" : "removed (no caller holds it)");
                continue;
            }

            foreach (var key in SchemeKeys.Where(k => !Yaml.SameValue(old.Get(k), @new.Get(k))))
            {
                Add(callersHoldIt ? Impact.Breaking : Impact.NonBreaking, subject,
                    $"{key} {Flow(old.Get(key))} → {Flow(@new.Get(key))}{(callersHoldIt ? " (the API key callers send)" : " (no caller holds it)")}");
            }

            CompareDocs(subject, old, @new);
            CompareProvenance(subject, old, @new);
            CompareUnknownKeys(subject, old, @new, SchemeKeys);
        }

        foreach (var (name, scheme) in n.Entries().Where(e => o.Get(e.Key) is null))
        {
            Add(Impact.NonBreaking, $"securityScheme {name}", $"added ({Scheme(_new, name)})");
        }

        if (!Yaml.SameValue(_old.Get("security"), _new.Get("security")))
        {
            Add(Impact.NonBreaking, "security", $"default requirement {Describe(_old, Requirements(_old, new YamlMappingNode()))} → {Describe(_new, Requirements(_new, new YamlMappingNode()))} (judged per operation above)");
        }
    }
}
