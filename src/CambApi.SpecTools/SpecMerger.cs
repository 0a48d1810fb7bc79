using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>What to do to one part of openapi/camb-api.yaml.</summary>
internal abstract record SpecEdit(PartId Id)
{
    /// <summary>Put the vendor's text in place of ours (or add it), marked <c>x-source: verbatim</c>.</summary>
    public sealed record Carry(VendorPart Vendor) : SpecEdit(Vendor.Id);

    public sealed record Remove(PartId Part) : SpecEdit(Part);

    /// <summary>Change the part's <c>x-source</c> mark.</summary>
    public sealed record Mark(PartId Part, string Source) : SpecEdit(Part);
}

/// <summary>
/// Edits openapi/camb-api.yaml as text, a part at a time, so everything else — our comments, our reconstructed
/// parts, the order — stays exactly as written, and vendor YAML arrives as the vendor wrote it (re-indented only).
/// Hand-written because YamlDotNet's object model drops comments and folded-scalar layout on save, and no served
/// library edits YAML in place.
/// </summary>
internal static partial class SpecMerger
{
    public static string Apply(string specText, IEnumerable<SpecEdit> edits) =>
        edits.Aggregate(specText.Replace("\r\n", "\n", StringComparison.Ordinal), ApplyOne);

    private static string ApplyOne(string text, SpecEdit edit)
    {
        var lines = text.Split('\n').ToList();
        var root = Yaml.Load(text, "openapi/camb-api.yaml");
        var target = Locate(root, lines, edit.Id.KeyPath);
        switch (edit)
        {
            case SpecEdit.Carry carry when target is { } found:
                lines.RemoveRange(found.First, found.Last - found.First + 1);
                lines.InsertRange(found.First, Render(carry.Vendor, found.Column));
                break;
            case SpecEdit.Carry carry:
                var (at, column, header) = InsertionPoint(root, lines, edit.Id);
                lines.InsertRange(at, [.. header, .. Render(carry.Vendor, column)]);
                break;
            case SpecEdit.Remove when target is { } found:
                lines.RemoveRange(found.First, found.Last - found.First + 1);
                break;
            case SpecEdit.Mark mark when target is { } found:
                var childIndent = ChildIndent(lines, found);
                var markLine = new string(' ', childIndent) + "x-source: " + Scalar(mark.Source);
                var existing = Enumerable.Range(found.First + 1, found.Last - found.First)
                    .FirstOrDefault(i => Indent(lines[i]) == childIndent && lines[i].TrimStart().StartsWith("x-source:", StringComparison.Ordinal), -1);
                if (existing >= 0)
                {
                    lines[existing] = markLine;
                }
                else
                {
                    lines.Insert(found.First + 1, markLine);
                }

                break;
            default:
                throw new InvalidOperationException($"{edit.Id}: not in the spec, cannot {edit.GetType().Name.ToLowerInvariant()} it.");
        }

        return string.Join('\n', lines);
    }

    /// <summary>Lines First..Last (0-based, inclusive) of an entry, and its key's column.</summary>
    private readonly record struct Extent(int First, int Last, int Column);

    private static Extent? Locate(YamlMappingNode root, List<string> lines, string[] keyPath)
    {
        YamlNode node = root;
        YamlNode? key = null;
        foreach (var part in keyPath)
        {
            if (node is not YamlMappingNode map || map.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == part) is not { Key: { } k, Value: { } v })
            {
                return null;
            }

            (key, node) = (k, v);
        }

        return key is null ? null : ExtentOf(lines, (int)key.Start.Line - 1, (int)key.Start.Column - 1, node is YamlSequenceNode);
    }

    /// <summary>
    /// The key's line and every following line that belongs to its value: blank lines and lines indented deeper than
    /// the key (or, for a sequence, "- " items at the key's own column); trailing blank lines excluded.
    /// </summary>
    private static Extent ExtentOf(List<string> lines, int keyLine, int column, bool isSequence)
    {
        var last = keyLine;
        for (var i = keyLine + 1; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var indent = Indent(line);
            if (indent > column || (isSequence && indent == column && line.TrimStart().StartsWith("- ", StringComparison.Ordinal)))
            {
                last = i;
                continue;
            }

            break;
        }

        return new Extent(keyLine, last, column);
    }

    /// <summary>The vendor's entry for a part as lines at <paramref name="column"/>, with our mark when it takes one.</summary>
    private static List<string> Render(VendorPart vendor, int column)
    {
        var mark = vendor.Id.Markable ? "x-source: verbatim" : null;
        var vendorLines = vendor.Text.Split('\n');
        var source = Locate(vendor.Root, [.. vendorLines], vendor.Id.KeyPath);
        var blockStyle = vendor.Node is YamlMappingNode { Style: not YamlDotNet.Core.Events.MappingStyle.Flow } or YamlSequenceNode { Style: not YamlDotNet.Core.Events.SequenceStyle.Flow };
        if (source is { } extent && blockStyle && vendor.Node.Start.Line - 1 > extent.First)
        {
            // The vendor's own lines, shifted to our indentation.
            var shift = column - extent.Column;
            var result = vendorLines[extent.First..(extent.Last + 1)].Select(l => Shift(l, shift)).ToList();
            if (mark is not null)
            {
                result.Insert(1, new string(' ', ChildIndent(result, new Extent(0, result.Count - 1, column))) + mark);
            }

            return result;
        }

        // JSON or flow style: the same value written as block YAML.
        var keyLine = new string(' ', column) + Scalar(vendor.Id.Key) + ":";
        var body = Yaml.ToBlockYaml(vendor.Node, column + 2).TrimEnd('\n').Split('\n').ToList();
        if (vendor.Node is YamlScalarNode)
        {
            return [keyLine + " " + body[0].TrimStart()];
        }

        if (mark is not null)
        {
            body.Insert(0, new string(' ', column + 2) + mark);
        }

        return [keyLine, .. body];
    }

    /// <summary>Where a new part goes: after the last entry of its section, creating the section if needed.</summary>
    private static (int At, int Column, List<string> Header) InsertionPoint(YamlMappingNode root, List<string> lines, PartId id)
    {
        var path = id.KeyPath[..^1];
        for (var depth = path.Length; depth >= 0; depth--)
        {
            var section = depth == 0 ? (YamlNode)root : root.GetPath(path[..depth]);
            if (section is not YamlMappingNode map)
            {
                continue;
            }

            // The missing levels between the existing section and the part.
            var header = new List<string>();
            var column = depth == 0 || map.Children.Count == 0 ? 0 : (int)map.Children.Keys.First().Start.Column - 1;
            if (map.Children.Count == 0 && depth > 0)
            {
                var own = Locate(root, lines, path[..depth])!.Value;
                column = own.Column + 2;
            }

            for (var level = depth; level < path.Length; level++)
            {
                header.Add(new string(' ', column) + Scalar(path[level]) + ":");
                column += 2;
            }

            var at = depth == 0
                ? TrimmedEnd(lines)
                : Locate(root, lines, path[..depth])!.Value.Last + 1;
            return (at, column, header);
        }

        throw new InvalidOperationException($"{id}: no place for it in the spec.");
    }

    private static int TrimmedEnd(List<string> lines)
    {
        var end = lines.Count;
        while (end > 0 && lines[end - 1].Trim().Length == 0)
        {
            end--;
        }

        return end;
    }

    private static int ChildIndent(List<string> lines, Extent extent)
    {
        for (var i = extent.First + 1; i <= extent.Last; i++)
        {
            if (lines[i].Trim().Length > 0)
            {
                return Indent(lines[i]);
            }
        }

        return extent.Column + 2;
    }

    private static int Indent(string line) => line.Length - line.TrimStart(' ').Length;

    private static string Shift(string line, int by) =>
        line.Trim().Length == 0 ? line
        : by >= 0 ? new string(' ', by) + line
        : line[Math.Min(-by, Indent(line))..];

    /// <summary>A key or value on one line: plain when that reads back as the same string, single-quoted otherwise.</summary>
    private static string Scalar(string value) =>
        PlainSafe().IsMatch(value) && !Yaml.ReadsAsNonString(value) ? value : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z_/][A-Za-z0-9_./{}-]*$")]
    private static partial System.Text.RegularExpressions.Regex PlainSafe();
}
