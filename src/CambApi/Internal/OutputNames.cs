using System.Globalization;

namespace CambApi;

/// <summary>
/// The one owner of output names: a separation writes <c>{stem}.foreground{ext}</c> and <c>{stem}.background{ext}</c> into
/// its folder. The stem is made safe here (it can never leave the folder), the extension comes from the storage URL's
/// path, and a name is read back here too — the library, the CLI's journal and its batch check all ask this type.
/// </summary>
internal static class OutputNames
{
    /// <summary>The stem for a separation of <paramref name="inputPath"/>: <c>talk.wav</c> → <c>talk</c>.</summary>
    public static string For(string inputPath) => Sanitize(Path.GetFileNameWithoutExtension(inputPath));

    /// <summary>The stem for a separation finished from <paramref name="checkpoint"/> with no input at hand: <c>task-{id}</c>, else <c>run-{id}</c>.</summary>
    public static string For(SeparationCheckpoint checkpoint) =>
        Sanitize(checkpoint.TaskId is { } task ? $"task-{task}" : string.Create(CultureInfo.InvariantCulture, $"run-{checkpoint.RunId}"));

    /// <summary>A file-name stem that cannot leave the output directory.</summary>
    public static string Sanitize(string name)
    {
        var stem = Path.GetFileName(name ?? string.Empty);
        var invalid = Path.GetInvalidFileNameChars();
        stem = new string(stem.Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray()).Trim().TrimStart('.');
        return stem.Length == 0 ? "separation" : stem;
    }

    /// <summary>The path of one track of <paramref name="stem"/> in <paramref name="directory"/>, its extension from <paramref name="url"/>.</summary>
    public static string TrackPath(string directory, string stem, SeparationTrack track, Uri url) =>
        Path.Combine(directory, $"{Sanitize(stem)}{Marker(track)}{ExtensionOf(url)[1..]}");

    /// <summary>The URL path's extension if it is a plain short one (.wav, .flac); never anything that could name a path.</summary>
    public static string ExtensionOf(Uri url)
    {
        var extension = Path.GetExtension(Uri.UnescapeDataString(url.AbsolutePath));
        return extension.Length is > 1 and <= 6 && extension.Skip(1).All(char.IsAsciiLetterOrDigit) ? extension.ToLowerInvariant() : ".audio";
    }

    /// <summary>The stem and track a file name was written for (<c>take.foreground.wav</c> → take, foreground); null for any other name.</summary>
    public static (string Stem, SeparationTrack Track)? Parse(string fileName)
    {
        foreach (var track in (ReadOnlySpan<SeparationTrack>)[SeparationTrack.Foreground, SeparationTrack.Background])
        {
            var at = fileName.LastIndexOf(Marker(track), StringComparison.Ordinal);
            if (at > 0 && !fileName.StartsWith('.'))
            {
                return (fileName[..at], track);
            }
        }

        return null;
    }

    /// <summary>Files a separation for <paramref name="stem"/> would write (or replace), any extension: <c>stem.foreground.*</c>, <c>stem.background.*</c>.</summary>
    public static IEnumerable<string> Existing(string directory, string stem) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, $"{stem}{Marker(SeparationTrack.Foreground)}*")
                .Concat(Directory.EnumerateFiles(directory, $"{stem}{Marker(SeparationTrack.Background)}*"))
                .Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)
            : [];

    /// <summary>".foreground." or ".background.": what sits between the stem and the extension.</summary>
    private static string Marker(SeparationTrack track) => track == SeparationTrack.Foreground ? ".foreground." : ".background.";
}
