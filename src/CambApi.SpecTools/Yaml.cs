using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>
/// A bad vendor source or spec: the tools print <see cref="Exception.Message"/> as one line and exit 2 with
/// nothing changed on disk.
/// </summary>
internal sealed class SpecInputException(string message) : Exception(message);

/// <summary>Reading and writing the YAML (and JSON, which YAML reads too) of OpenAPI documents.</summary>
internal static partial class Yaml
{
    public static readonly YamlScalarNode SourceKey = new("x-source");

    /// <summary>Parses one document whose root is a mapping; <paramref name="what"/> names it in errors.</summary>
    public static YamlMappingNode Load(string text, string what)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message ?? e.Message;
            throw new SpecInputException($"{what} is not valid YAML/JSON (line {e.Start.Line}, column {e.Start.Column}): {FirstLine(inner)}");
        }

        return stream.Documents is [{ RootNode: YamlMappingNode root }]
            ? root
            : throw new SpecInputException($"{what} is not an OpenAPI document: its top level is not a mapping.");
    }

    public static YamlNode? Get(this YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    public static YamlNode? GetPath(this YamlNode? node, params string[] keys) => keys.Aggregate(node, (n, k) => n.Get(k));

    public static string? Text(this YamlNode? node) => node is YamlScalarNode s ? s.Value : null;

    public static string? Text(this YamlNode? node, string key) => node.Get(key).Text();

    public static IEnumerable<(string Key, YamlNode Value)> Entries(this YamlNode? node) =>
        node is YamlMappingNode map
            ? map.Children.Where(kv => kv.Key is YamlScalarNode { Value: not null }).Select(kv => (((YamlScalarNode)kv.Key).Value!, kv.Value))
            : [];

    public static IEnumerable<YamlNode> Items(this YamlNode? node) => node is YamlSequenceNode seq ? seq.Children : [];

    /// <summary>Equality of meaning: scalars by value, mappings regardless of key order, sequences in order.</summary>
    public static bool SameValue(YamlNode? a, YamlNode? b, Func<string, bool>? ignoreKey = null) => (a, b) switch
    {
        (null, null) => true,
        (YamlScalarNode x, YamlScalarNode y) => x.Value == y.Value,
        (YamlSequenceNode x, YamlSequenceNode y) =>
            x.Children.Count == y.Children.Count && x.Children.Zip(y.Children).All(p => SameValue(p.First, p.Second, ignoreKey)),
        (YamlMappingNode x, YamlMappingNode y) => SameMapping(x, y, ignoreKey),
        _ => false,
    };

    private static bool SameMapping(YamlMappingNode x, YamlMappingNode y, Func<string, bool>? ignoreKey)
    {
        var xs = x.Entries().Where(e => ignoreKey?.Invoke(e.Key) != true).ToList();
        var ys = y.Entries().Where(e => ignoreKey?.Invoke(e.Key) != true).ToList();
        return xs.Count == ys.Count && xs.All(e => y.Get(e.Key) is { } other && SameValue(e.Value, other, ignoreKey));
    }

    /// <summary>Our provenance marks, ignored whenever vendor text is compared with ours.</summary>
    public static bool IsSourceKey(string key) => key == "x-source";

    /// <summary>The x-source mark of a part: "verbatim", "reconstructed[: evidence]", or null.</summary>
    public static string? Source(this YamlNode? node) => node.Text("x-source");

    public static bool IsVerbatim(this YamlNode? node) => node.Source() == "verbatim";

    /// <summary>
    /// The node as block YAML at <paramref name="indent"/> spaces, for vendor text that arrived as JSON or in flow
    /// style. Strings that YAML would read as another type ("200", "true", "1.0") stay quoted.
    /// </summary>
    public static string ToBlockYaml(YamlNode node, int indent)
    {
        var copy = Blockify(node);
        using var writer = new StringWriter { NewLine = "\n" };
        // The layout of the vendor's own YAML pages: sequences indented under their key, long text folded.
        var emitter = new Emitter(writer, new EmitterSettings().WithIndentedSequences().WithBestWidth(80));
        new YamlStream(new YamlDocument(copy)).Save(emitter, assignAnchors: false);
        var lines = writer.ToString().Split('\n').Where(l => l != "..." && l.Length > 0);
        var pad = new string(' ', indent);
        return string.Concat(lines.Select(l => pad + l + "\n"));
    }

    private static YamlNode Blockify(YamlNode node) => node switch
    {
        YamlMappingNode map => new YamlMappingNode(map.Children.Select(kv =>
            new KeyValuePair<YamlNode, YamlNode>(Blockify(kv.Key), Blockify(kv.Value)))) { Style = MappingStyle.Block },
        YamlSequenceNode seq => new YamlSequenceNode(seq.Children.Select(Blockify)) { Style = seq.Children.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block },
        YamlScalarNode { Value: var v } s => new YamlScalarNode(v)
        {
            Style = s.Style is ScalarStyle.DoubleQuoted or ScalarStyle.SingleQuoted && (v is null || AmbiguousPlain().IsMatch(v))
                ? ScalarStyle.SingleQuoted
                : v is { Length: > 80 } && Foldable(v) ? ScalarStyle.Folded : ScalarStyle.Any,
        },
        _ => node,
    };

    /// <summary>True when YAML would read the plain text as a number, boolean or null rather than a string.</summary>
    public static bool ReadsAsNonString(string text) => AmbiguousPlain().IsMatch(text);

    /// <summary>Text that reads back the same from a folded block: one line, single spaces, nothing at either end.</summary>
    private static bool Foldable(string text) =>
        !text.Contains('\n', StringComparison.Ordinal) && !text.Contains("  ", StringComparison.Ordinal) && text.Trim() == text;

    /// <summary>Plain scalars YAML 1.1/1.2 would read as something other than a string.</summary>
    [GeneratedRegex(@"^(|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|no|No|on|On|off|Off|[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex AmbiguousPlain();

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();
}
