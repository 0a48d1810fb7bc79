using System.Text.Json;
using System.Text.Json.Serialization;
using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>One stored vendor text, as listed in openapi/vendor/sources.json.</summary>
/// <param name="File">Its file name in openapi/vendor/.</param>
/// <param name="From">The file it was read from (a docs page, a fragment, an openapi.json).</param>
/// <param name="Kind">docs page, OpenAPI fragment or OpenAPI document.</param>
/// <param name="Added">The day it was stored (yyyy-MM-dd).</param>
/// <param name="Url">Where <c>update-spec.sh --fetch</c> downloads it (the Markdown form of the docs page).</param>
internal sealed record VendorEntry(string File, string From, string Kind, string Added, string? Url = null);

/// <summary>
/// openapi/vendor/: the vendor's texts exactly as published, and sources.json listing them oldest first. Where two
/// texts hold the same part (two pages both carry HTTPValidationError), the newest is the vendor's current word.
/// A newly stored text that holds every part of an older one supersedes it, and the older file is retired, so a
/// part the vendor stops publishing really disappears.
/// </summary>
internal sealed class VendorStore
{
    public const string ManifestName = "sources.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Dictionary<string, string> _texts;

    private VendorStore(string directory, List<VendorEntry> entries, Dictionary<string, string> texts, IReadOnlyList<string> problems)
    {
        Directory = directory;
        Entries = entries;
        _texts = texts;
        Problems = problems;
    }

    public string Directory { get; }

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<VendorEntry> Entries { get; }

    /// <summary>Inconsistencies between sources.json and the files next to it.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Files an update retired because a newer text holds all their parts.</summary>
    public IReadOnlyList<string> Superseded { get; private init; } = [];

    public string TextOf(string file) => _texts[file];

    public static VendorStore Load(string directory)
    {
        var manifestPath = Path.Combine(directory, ManifestName);
        var onDisk = System.IO.Directory.Exists(directory)
            ? System.IO.Directory.GetFiles(directory).Select(Path.GetFileName).OfType<string>()
                .Where(f => f != ManifestName && (f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)))
                .Order(StringComparer.Ordinal).ToList()
            : [];
        var problems = new List<string>();
        List<VendorEntry> entries;
        if (File.Exists(manifestPath))
        {
            try
            {
                entries = JsonSerializer.Deserialize<List<VendorEntry>>(File.ReadAllText(manifestPath), JsonOptions) ?? [];
            }
            catch (JsonException e)
            {
                throw new SpecInputException($"openapi/vendor/{ManifestName} is not readable: {e.Message}");
            }

            problems.AddRange(onDisk.Where(f => entries.All(e => e.File != f)).Select(f => $"openapi/vendor/{f}: not listed in {ManifestName}."));
            problems.AddRange(entries.Where(e => !onDisk.Contains(e.File)).Select(e => $"openapi/vendor/{ManifestName} lists {e.File}, which is missing."));
            entries = entries.Where(e => onDisk.Contains(e.File)).ToList();
        }
        else
        {
            entries = onDisk.Select(f => new VendorEntry(f, f, "unknown", "")).ToList();
        }

        var texts = entries.ToDictionary(e => e.File, e => File.ReadAllText(Path.Combine(directory, e.File)).Replace("\r\n", "\n", StringComparison.Ordinal));
        return new VendorStore(directory, entries, texts, problems);
    }

    /// <summary>In-memory store for tests and checks: (file, text) pairs, oldest first.</summary>
    public static VendorStore FromTexts(IEnumerable<(string File, string Text)> files)
    {
        var list = files.ToList();
        return new VendorStore("", list.Select(f => new VendorEntry(f.File, f.File, "unknown", "")).ToList(), list.ToDictionary(f => f.File, f => f.Text), []);
    }

    /// <summary>The store with <paramref name="document"/> added as the newest text (unchanged if it is already stored as is).</summary>
    public VendorStore With(VendorDocument document, string date)
    {
        if (_texts.TryGetValue(document.StoreName, out var existing) && existing == document.Text)
        {
            // The same text; only a first recorded address (--fetch --add of a page we hold) changes the manifest.
            return document.Url is null || Entries.Any(e => e.File == document.StoreName && e.Url == document.Url)
                ? this
                : new VendorStore(Directory, Entries.Select(e => e.File == document.StoreName ? e with { Url = document.Url } : e).ToList(), _texts, Problems) { Superseded = Superseded };
        }

        var newParts = SpecParts.Of(document.Root).Select(p => p.Id).ToHashSet();
        var superseded = Entries
            .Where(e => e.File != document.StoreName && PartsOf(e.File).All(newParts.Contains))
            .Select(e => e.File).ToList();
        var entries = Entries.Where(e => e.File != document.StoreName && !superseded.Contains(e.File))
            .Append(new VendorEntry(document.StoreName, document.Origin, document.Kind, date,
                document.Url ?? Entries.FirstOrDefault(e => e.File == document.StoreName)?.Url)).ToList();
        var texts = entries.ToDictionary(e => e.File, e => e.File == document.StoreName ? document.Text : _texts[e.File]);
        return new VendorStore(Directory, entries, texts, Problems) { Superseded = [.. Superseded, .. superseded] };
    }

    /// <summary>The vendor's current text of every part it publishes: for each part, the newest file holding it.</summary>
    public IReadOnlyDictionary<PartId, VendorPart> Current()
    {
        var current = new SortedDictionary<PartId, VendorPart>();
        foreach (var entry in Entries)
        {
            var root = Root(entry.File);
            foreach (var (id, node) in SpecParts.Of(root))
            {
                current[id] = new VendorPart(id, node, entry.File, _texts[entry.File], root);
            }
        }

        return current;
    }

    /// <summary>Writes the store: new or changed files, the manifest, and removes retired files.</summary>
    public void Save(VendorStore before)
    {
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var entry in Entries.Where(e => !before._texts.TryGetValue(e.File, out var old) || old != _texts[e.File]))
        {
            Files.WriteAtomically(Path.Combine(Directory, entry.File), _texts[entry.File]);
        }

        Files.WriteAtomically(Path.Combine(Directory, ManifestName), JsonSerializer.Serialize(Entries, JsonOptions) + "\n");
        foreach (var retired in before.Entries.Select(e => e.File).Except(Entries.Select(e => e.File)))
        {
            File.Delete(Path.Combine(Directory, retired));
        }
    }

    public bool SameAs(VendorStore other) =>
        Entries.SequenceEqual(other.Entries) && Entries.All(e => _texts[e.File] == other._texts[e.File]);

    private readonly Dictionary<string, YamlMappingNode> _roots = [];

    private YamlMappingNode Root(string file) =>
        _roots.TryGetValue(file, out var root) ? root : _roots[file] = Yaml.Load(_texts[file], $"openapi/vendor/{file}");

    private IEnumerable<PartId> PartsOf(string file) => SpecParts.Of(Root(file)).Select(p => p.Id);
}

/// <summary>A part as the vendor publishes it, with the text it came from (to carry it over as written).</summary>
internal sealed record VendorPart(PartId Id, YamlNode Node, string File, string Text, YamlMappingNode Root);

internal static class Files
{
    /// <summary>Writes next to the target and renames over it: a reader never sees half a file.</summary>
    public static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp-" + Environment.ProcessId;
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
