namespace CambApi;

/// <summary>An output folder made and proven writable once (<see cref="Prepare"/>); later steps write into it without checking again.</summary>
internal sealed record PreparedFolder(string Path)
{
    /// <summary>Creates the folder if needed and proves a file can be written there, before anything is sent.</summary>
    /// <exception cref="ArgumentException">Missing, a file, or not writable.</exception>
    public static PreparedFolder Prepare(string? folder, string paramName = "outputDirectory")
    {
        if (string.IsNullOrWhiteSpace(folder))
        {
            throw new ArgumentException("An output directory is required.", paramName);
        }

        var full = System.IO.Path.GetFullPath(folder);
        if (File.Exists(full))
        {
            throw new ArgumentException($"The output path '{folder}' is a file, not a directory.", paramName);
        }

        try
        {
            Directory.CreateDirectory(full);
            // A hidden probe: a read-only folder fails here, not after an upload that was paid for.
            var probe = System.IO.Path.Combine(full, $".camb-write-test-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ArgumentException($"The output folder '{folder}' is not writable: {e.Message}", paramName, e);
        }

        return new PreparedFolder(full);
    }
}
