using System.Security.Cryptography;

namespace CambApi;

/// <summary>One input, validated once (its path, size and content type go along), and the output name its tracks get.</summary>
internal sealed record InputFile(ValidatedInput Input, string OutputName)
{
    public string Path => Input.Path;

    public string Name => Input.FileName;
}

/// <summary>
/// The inputs of a batch, the one owner of how a batch is read: files named directly and the supported files directly in
/// folders (others passed over and listed), two inputs that would write the same track names, and each input's content
/// hash (what makes it "the same file" to the journal and to a fleet). <c>camb separate</c> and a fleet's submission
/// both read their inputs here and add their own next step to what it says.
/// </summary>
internal sealed class InputSet
{
    private InputSet(IReadOnlyList<InputFile> files, IReadOnlyList<string> skipped) => (Files, Skipped) = (files, skipped);

    public IReadOnlyList<InputFile> Files { get; }

    /// <summary>Files inside the given folders that are not supported audio (empty, or another format): passed over, not an error.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Expands <paramref name="inputs"/>: a file must be supported audio; a folder contributes what is (dotfiles aside), in name order.</summary>
    /// <exception cref="ArgumentException">An input named directly is not supported audio, or nothing supported was found.</exception>
    public static InputSet Expand(IEnumerable<string> inputs, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var files = new List<InputFile>();
        var skipped = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                foreach (var path in Directory.EnumerateFiles(input).Where(f => !System.IO.Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
                {
                    try
                    {
                        files.Add(Described(MediaInput.Validate(path)));
                    }
                    catch (ArgumentException)
                    {
                        skipped.Add(path);
                    }
                }
            }
            else
            {
                files.Add(Described(MediaInput.Validate(input, parameterName)));
            }
        }

        return files.Count > 0
            ? new InputSet(files, skipped)
            : throw new ArgumentException("no supported audio files (WAV, MP3, FLAC, AAC) in the inputs.", parameterName);

        static InputFile Described(ValidatedInput input) => new(input, OutputNames.For(input.Path));
    }

    /// <summary>
    /// Two inputs that would write the same track names in <paramref name="folder"/> ("a.wav and a.mp3 would both write
    /// a.foreground/background in out"), or null. <paramref name="sameContent"/> says which inputs are one file twice (a
    /// fleet registers those once): they do not clash.
    /// </summary>
    public string? Clash(string folder, Func<InputFile, string>? sameContent = null)
    {
        var distinct = sameContent is null ? Files : Files.DistinctBy(sameContent).ToList();
        return distinct.GroupBy(f => f.OutputName, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } clash
            ? $"{string.Join(" and ", clash.Select(f => f.Name))} would both write {clash.Key}.foreground/background in {folder}"
            : null;
    }

    /// <summary>The SHA-256 of a file's content, lowercase hex, read once from start to end.</summary>
    public static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        await using (file)
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        }
    }
}
