namespace CambApi.Fleet;

/// <summary>The bytes an upload read are not the content that was submitted: the upload is cut off before it is whole.</summary>
internal sealed class InputChangedException(string path, string expected, string actual)
    : IOException($"{path} changed after it was submitted (its content is {actual[..12]}…, not the {expected[..12]}… that was hashed)")
{
    public string Path { get; } = path;
}
