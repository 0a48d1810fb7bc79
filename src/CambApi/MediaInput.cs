namespace CambApi;

/// <summary>Checks made on input before any request is sent.</summary>
public static class MediaInput
{
    /// <summary>The formats the service accepts, by extension, with the content type sent for each.</summary>
    public static IReadOnlyDictionary<string, string> SupportedFormats { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".wav"] = "audio/wav",
        [".mp3"] = "audio/mpeg",
        [".flac"] = "audio/flac",
        [".aac"] = "audio/aac",
    };

    /// <summary>Throws a clear, typed exception unless <paramref name="path"/> is a non-empty file in a supported format.</summary>
    /// <param name="path">The file to check.</param>
    /// <param name="paramName">The caller's parameter name, for the exception.</param>
    /// <returns>The full path.</returns>
    public static string ValidateFile(string? path, string paramName = "inputPath") => Validate(path, paramName).Path;

    /// <summary>The checks of <see cref="ValidateFile"/>, keeping what they found, so no later step works it out again.</summary>
    internal static ValidatedInput Validate(string? path, string paramName = "inputPath")
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("An input file path is required.", paramName);
        }

        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new ArgumentException($"'{path}' is a directory, not an audio file.", paramName);
        }

        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The input file '{path}' does not exist.", full);
        }

        var contentType = ContentTypeFor(full, paramName);
        var length = new FileInfo(full).Length;
        if (length == 0)
        {
            throw new ArgumentException($"The input file '{path}' is empty.", paramName);
        }

        return new ValidatedInput(full, length, contentType);
    }

    /// <summary>The content type for a supported file name; throws <see cref="ArgumentException"/> otherwise.</summary>
    public static string ContentTypeFor(string fileName, string paramName = "fileName")
    {
        var extension = Path.GetExtension(fileName);
        return SupportedFormats.TryGetValue(extension, out var type)
            ? type
            : throw new ArgumentException(
                $"'{Path.GetFileName(fileName)}' is not a supported format{(extension.Length == 0 ? "" : $" ({extension})")}; " +
                $"supported: {string.Join(", ", SupportedFormats.Keys.Select(k => k.TrimStart('.').ToUpperInvariant()))}.",
                paramName);
    }

    /// <summary>A run id is a positive integer; the API puts no upper bound on it (64-bit here).</summary>
    public static void ValidateRunId(long runId, string paramName = "runId")
    {
        if (runId <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, runId, "A run id is a positive integer.");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> for a missing or malformed task id, before any request.</summary>
    /// <param name="taskId">The task id to check.</param>
    /// <param name="paramName">The caller's parameter name, for the exception.</param>
    public static void ValidateTaskId(string? taskId, string paramName = "taskId")
    {
        if (string.IsNullOrWhiteSpace(taskId))
        {
            throw new ArgumentException("A task id is required.", paramName);
        }

        if (taskId.Any(c => char.IsControl(c) || c is '/' or '?' or '#'))
        {
            throw new ArgumentException("A task id cannot contain control characters, '/', '?' or '#'.", paramName);
        }
    }
}
