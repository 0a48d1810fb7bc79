namespace CambApi;

/// <summary>An input file that passed <see cref="MediaInput.Validate"/>: its full path, size and the content type to send.</summary>
internal sealed record ValidatedInput(string Path, long Length, string ContentType)
{
    public string FileName => System.IO.Path.GetFileName(Path);
}
