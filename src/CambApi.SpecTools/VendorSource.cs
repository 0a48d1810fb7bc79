using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using YamlDotNet.RepresentationModel;

namespace CambApi.SpecTools;

/// <summary>One piece of vendor text, as it will be stored under openapi/vendor/.</summary>
/// <param name="StoreName">File name in openapi/vendor/ (<c>get-audio-separation-result.yaml</c>, <c>openapi.json</c>).</param>
/// <param name="Text">The OpenAPI text exactly as the vendor published it (a page's fenced block, or the whole file).</param>
/// <param name="Root">The parsed text.</param>
/// <param name="Origin">The file it came from (its name only: no local paths in the repository).</param>
/// <param name="Kind">"docs page", "OpenAPI fragment" or "OpenAPI document".</param>
internal sealed record VendorDocument(string StoreName, string Text, YamlMappingNode Root, string Origin, string Kind)
{
    /// <summary>The docs page's address, when it was fetched (recorded in sources.json for the next fetch).</summary>
    public string? Url { get; init; }

    public bool IsJson => StoreName.EndsWith(".json", StringComparison.Ordinal);
}

/// <summary>
/// Reads what the vendor publishes: a docs page (Mintlify, like shared/seeds/*.txt) with its fenced OpenAPI block,
/// a bare fragment, or a whole document (YAML, or JSON as FastAPI serves <c>/openapi.json</c>).
/// </summary>
internal static partial class VendorSource
{
    public static VendorDocument Read(string path)
    {
        var origin = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new SpecInputException($"{path}: no such file.");
        }

        var text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
        return Parse(text, origin);
    }

    public static VendorDocument Parse(string text, string origin)
    {
        string body, kind, extension;
        string? operationHint = null;
        if (text.TrimStart().StartsWith('{'))
        {
            (body, kind, extension) = (text, "OpenAPI document", ".json");
        }
        else if (OpenApiBlock(text) is { } block)
        {
            (body, kind, extension, operationHint) = (block.Body, "docs page", block.IsJson ? ".json" : ".yaml", block.Operation);
        }
        else if (Fence().IsMatch(text) || !LooksLikeOpenApi(text))
        {
            throw new SpecInputException(
                $"{origin}: no OpenAPI here — expected a docs page with a ```yaml block holding the operation's spec, " +
                "an OpenAPI fragment, or a whole OpenAPI document (YAML or JSON).");
        }
        else
        {
            (body, kind, extension) = (text, "OpenAPI fragment", ".yaml");
        }

        var root = Yaml.Load(body, origin);
        RequireOpenApi(root, body, extension == ".json" ? "json" : "yaml", origin);
        var operations = Operations(root).ToList();
        if (kind == "OpenAPI fragment" && operations.Count > 1)
        {
            kind = "OpenAPI document";
        }

        // One operation (a docs page): named after it. Several: the vendor's whole document, of which there is one, so
        // a newer one replaces it whatever the downloaded file was called.
        var name = operationHint ?? (operations.Count == 1 ? $"{operations[0].Method} {operations[0].Path}" : null);
        var stem = name is not null ? OperationSlug(name) : operations.Count > 1 ? "openapi" : Slug(Path.GetFileNameWithoutExtension(origin));
        if (stem.Length == 0)
        {
            stem = "vendor";
        }

        return new VendorDocument(stem + extension, body.EndsWith('\n') ? body : body + "\n", root, origin, kind);
    }

    public static IEnumerable<(string Method, string Path)> Operations(YamlMappingNode root) =>
        from path in root.Get("paths").Entries()
        from op in path.Value.Entries()
        where HttpMethods.Contains(op.Key)
        select (op.Key, path.Key);

    private static readonly HashSet<string> HttpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

    private sealed record Block(string Body, bool IsJson, string? Operation);

    /// <summary>The first fenced yaml/json block that holds an OpenAPI document (Mintlify puts it under "## OpenAPI").</summary>
    private static Block? OpenApiBlock(string page)
    {
        var lines = page.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var fence = open.Groups["fence"].Value;
            var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == fence);
            if (end < 0)
            {
                break;
            }

            var body = string.Join('\n', lines[(i + 1)..end]) + "\n";
            if (LooksLikeOpenApi(body))
            {
                var header = open.Groups["header"].Value.Trim();
                return new Block(body, open.Groups["lang"].Value == "json", header.Length > 0 ? header : null);
            }

            i = end;
        }

        return null;
    }

    private static bool LooksLikeOpenApi(string text) => OpenApiKey().IsMatch(text);

    /// <summary>Structural validation by Microsoft.OpenApi, so a broken vendor text never reaches the spec.</summary>
    private static void RequireOpenApi(YamlMappingNode root, string body, string format, string origin)
    {
        if (root.Text("openapi") is not { } version || !version.StartsWith("3.", StringComparison.Ordinal))
        {
            throw new SpecInputException($"{origin}: not an OpenAPI 3 document (no 'openapi: 3.x' at its top).");
        }

        if (root.Get("paths") is null && root.Get("components") is null)
        {
            throw new SpecInputException($"{origin}: an OpenAPI document with neither paths nor components.");
        }

        var errors = Validate(body, format);
        if (errors.Count > 0)
        {
            throw new SpecInputException($"{origin}: not a valid OpenAPI document: {string.Join("; ", errors.Take(3))}");
        }
    }

    public static IReadOnlyList<string> Validate(string text, string format)
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        var result = OpenApiDocument.LoadAsync(stream, format, settings).GetAwaiter().GetResult();
        return (result.Diagnostic?.Errors ?? []).Select(e => e.ToString()).ToList();
    }

    /// <summary>"get /audio-separation-result/{run_id}" → "get-audio-separation-result" (parameters dropped).</summary>
    internal static string OperationSlug(string operation)
    {
        var parts = operation.Split(' ', 2, StringSplitOptions.TrimEntries);
        var path = parts.Length == 2 ? ParameterSegment().Replace(parts[1], "") : parts[0];
        return Slug(parts.Length == 2 ? parts[0] + "-" + path : path);
    }

    private static string Slug(string s) => Dashes().Replace(NonSlug().Replace(s.ToLowerInvariant(), "-"), "-").Trim('-');

    [GeneratedRegex(@"^(?<fence>`{3,})(?<lang>yaml|yml|json)\b(?<header>.*)$", RegexOptions.Multiline)]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s*[""']?openapi[""']?\s*:", RegexOptions.Multiline)]
    private static partial Regex OpenApiKey();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex ParameterSegment();

    [GeneratedRegex(@"[^a-z0-9]+")]
    private static partial Regex NonSlug();

    [GeneratedRegex(@"-{2,}")]
    private static partial Regex Dashes();
}
