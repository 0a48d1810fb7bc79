namespace CambApi;

/// <summary>The one place URLs and messages are made safe to show (the library's logs and errors, and the CLI's output).</summary>
internal static class Redaction
{
    /// <summary>scheme://host[:port]/path: a presigned URL's query is a credential and is never logged.</summary>
    public static string Url(Uri? uri) =>
        uri is null ? "(none)" : uri.IsAbsoluteUri ? uri.GetLeftPart(UriPartial.Path) : uri.OriginalString.Split('?', 2)[0];

    /// <summary>The same, as a <see cref="Uri"/> for an exception's property; null for a missing or relative one.</summary>
    public static Uri? UrlWithoutQuery(Uri? uri) => uri is { IsAbsoluteUri: true } ? new Uri(uri.GetLeftPart(UriPartial.Path)) : null;

    /// <summary>.NET appends " (Parameter 'x')" to argument messages; a person reading one does not need it.</summary>
    public static string WithoutParameterName(string message) => message.Split(" (Parameter", 2)[0];
}
