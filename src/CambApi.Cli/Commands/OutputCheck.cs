namespace CambApi.Cli.Commands;

/// <summary>Where a batch writes (made and checked once) and whether it may replace files it did not write.</summary>
internal sealed record OutputFolder(PreparedFolder Folder, bool Overwrite);

/// <summary>Checks on the output folder made before anything is sent.</summary>
internal static class OutputCheck
{
    /// <summary>The folder, made and proven writable once (by the library's own check); null and a problem for the user otherwise.</summary>
    public static OutputFolder? Prepare(string folder, bool overwrite, out string? problem)
    {
        try
        {
            problem = null;
            return new OutputFolder(PreparedFolder.Prepare(folder, "--out"), overwrite);
        }
        catch (ArgumentException e)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>
    /// The batch's own destination check, before any file is uploaded: a file the outputs would replace that the journal did
    /// not write, described; null when there is none. (The library checks each file as it starts; in a batch that would be
    /// after earlier files were paid for.)
    /// </summary>
    public static string? Foreign(BatchJournal journal, PreparedFolder folder, IEnumerable<string> stems)
    {
        // One pass over the folder, whatever the number of inputs (a per-stem search would read it once per file).
        var wanted = stems.ToHashSet(StringComparer.Ordinal);
        var foreign = Directory.EnumerateFiles(folder.Path)
            .Where(f => OutputNames.Parse(Path.GetFileName(f)) is { } name && wanted.Contains(name.Stem))
            .Where(f => !journal.Wrote(f)).Order(StringComparer.Ordinal).ToList();
        return foreign.Count == 0 ? null
            : $"{foreign[0]}{(foreign.Count > 1 ? $" (and {foreign.Count - 1} more)" : "")} already exists and was not written by camb; " +
              "pass --overwrite to replace it, or choose another --out.";
    }
}
