using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Newtonsoft.Json.Linq;

namespace CambApi.Testing;

/// <summary>
/// The vendor's YAML as checked in (openapi/camb-api.yaml), parsed once by Microsoft.OpenApi — the one loader of the
/// spec for every test project (linked from tests/Shared; each project copies the YAML to its output's openapi/).
/// </summary>
internal static class VendorSpec
{
    public static readonly string Path = System.IO.Path.Combine(TestContext.CurrentContext.TestDirectory, "openapi", "camb-api.yaml");

    private static readonly Lazy<OpenApiDocument> Lazy = new(Load);

    private static readonly Lazy<JObject> LazyJson = new(() =>
        JObject.Parse(Document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1).GetAwaiter().GetResult()));

    public static OpenApiDocument Document => Lazy.Value;

    /// <summary>The same document as OpenAPI 3.1 JSON, for JSON Schema tools (NJsonSchema) that resolve its $refs.</summary>
    public static JObject Json => LazyJson.Value;

    public static IEnumerable<(string Path, HttpMethod Method, OpenApiOperation Operation)> Operations() =>
        from path in Document.Paths
        from op in path.Value.Operations ?? new Dictionary<HttpMethod, OpenApiOperation>()
        orderby path.Key, op.Key.Method
        select (path.Key, op.Key, op.Value);

    private static OpenApiDocument Load()
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        using var stream = File.OpenRead(Path);
        var result = OpenApiDocument.LoadAsync(stream, "yaml", settings).GetAwaiter().GetResult();
        var errors = result.Diagnostic?.Errors ?? [];
        if (result.Document is null || errors.Count > 0)
        {
            throw new InvalidDataException("openapi/camb-api.yaml does not parse: " + string.Join("; ", errors.Select(e => e.ToString())));
        }

        return result.Document;
    }
}
