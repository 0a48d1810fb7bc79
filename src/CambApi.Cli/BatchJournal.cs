using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CambApi.Cli;

/// <summary>What the journal knows of one output name in the folder.</summary>
internal sealed class JournalEntry
{
    /// <summary>The output file stem (<c>talk</c> for <c>talk.foreground.wav</c>): one entry per name in the folder.</summary>
    public required string Stem { get; init; }

    public string? Input { get; set; }

    /// <summary>SHA-256 of the input's content: a changed file is a new job, not a resumed one.</summary>
    public string? Sha256 { get; set; }

    public string? TaskId { get; set; }

    public long? RunId { get; set; }

    public string? Foreground { get; set; }

    public string? Background { get; set; }

    public long? ForegroundBytes { get; set; }

    public long? BackgroundBytes { get; set; }

    /// <summary>True when both files were written whole.</summary>
    public bool Downloaded { get; set; }

    /// <summary>True when both files are still on disk as the journal wrote them.</summary>
    public bool FilesIntact() =>
        Downloaded && Intact(Foreground, ForegroundBytes) && Intact(Background, BackgroundBytes);

    /// <summary>Files the journal wrote for this name (whatever their state now).</summary>
    public IEnumerable<string> Written() => new[] { Foreground, Background }.OfType<string>();

    private static bool Intact(string? path, long? bytes) => path is not null && File.Exists(path) && new FileInfo(path).Length == bytes;
}

/// <summary>
/// The batch journal in the output folder (<c>.camb-journal.jsonl</c>): for each output name, the input's content hash, the
/// task id, the run id and the files — recorded as each step completes, so that running the command again resumes every file
/// from its last step and nothing is uploaded (paid for) twice.
/// </summary>
/// <remarks>
/// An append-only log of JSON lines, each the entry's whole state, flushed to disk per step: appending one line is atomic
/// enough (a line torn by a crash fails to parse and is skipped, the previous state stands), and a thousand files cost a
/// thousand short appends per step, not a thousand rewrites of the whole journal. Compacted when opened.
/// </remarks>
internal sealed class BatchJournal : IDisposable
{
    public const string FileName = ".camb-journal.jsonl";

    private static readonly JsonSerializerOptions LineFormat = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Dictionary<string, JournalEntry> _entries;

    /// <summary>Every file some entry wrote (full paths): asked once per output file, so a set, not a scan of the entries.</summary>
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly FileStream _log;
    private readonly Lock _gate = new();

    private BatchJournal(Dictionary<string, JournalEntry> entries, FileStream log)
    {
        _entries = entries;
        _log = log;
        foreach (var entry in entries.Values)
        {
            _written.UnionWith(entry.Written().Select(Path.GetFullPath));
        }
    }

    /// <summary>Reads the journal in <paramref name="folder"/>, compacts it and opens it for appending.</summary>
    public static BatchJournal Open(PreparedFolder folder)
    {
        var path = Path.Combine(folder.Path, FileName);
        var entries = new Dictionary<string, JournalEntry>(StringComparer.OrdinalIgnoreCase);
        var lines = 0;
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                lines++;
                try
                {
                    if (JsonSerializer.Deserialize<JournalEntry>(line, LineFormat) is { Stem.Length: > 0 } entry)
                    {
                        entries[entry.Stem] = entry;
                    }
                }
                catch (JsonException)
                {
                    // A line torn by a crash mid-append: the entry's previous line stands.
                }
            }
        }

        if (lines > entries.Count)
        {
            var temp = path + $".{Guid.NewGuid():N}.tmp";
            File.WriteAllLines(temp, entries.Values.Select(e => JsonSerializer.Serialize(e, LineFormat)));
            File.Move(temp, path, overwrite: true);
        }

        return new BatchJournal(entries, new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    public JournalEntry? Find(string stem)
    {
        lock (_gate)
        {
            return _entries.GetValueOrDefault(stem);
        }
    }

    public JournalEntry? FindRun(long runId)
    {
        lock (_gate)
        {
            return _entries.Values.FirstOrDefault(e => e.RunId == runId);
        }
    }

    public JournalEntry? FindTask(string taskId)
    {
        lock (_gate)
        {
            return _entries.Values.FirstOrDefault(e => e.TaskId == taskId);
        }
    }

    /// <summary>True when <paramref name="path"/> is a file some entry wrote (so it may be replaced).</summary>
    public bool Wrote(string path)
    {
        var full = Path.GetFullPath(path);
        lock (_gate)
        {
            return _written.Contains(full);
        }
    }

    /// <summary>Records <paramref name="entry"/>'s current state, on disk before this returns.</summary>
    public void Record(JournalEntry entry)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, LineFormat) + "\n");
        lock (_gate)
        {
            _entries[entry.Stem] = entry;
            _written.UnionWith(entry.Written().Select(Path.GetFullPath)); // a file once written stays claimed by the folder's journal
            _log.Write(line);
            _log.Flush(flushToDisk: true);
        }
    }

    public void Dispose() => _log.Dispose();
}
