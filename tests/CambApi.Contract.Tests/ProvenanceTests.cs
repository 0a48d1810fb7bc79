using CambApi.SpecTools;

namespace CambApi.Contract.Tests;

/// <summary>
/// The vendor-owned parts of the spec (x-source: verbatim, and the top-level servers/security) are exactly the
/// vendor's current text in openapi/vendor/, as ordered by its sources.json.
/// </summary>
[TestFixture]
public sealed class ProvenanceTests
{
    private static readonly string VendorDir = Path.Combine(TestContext.CurrentContext.TestDirectory, "openapi", "vendor");

    private static VendorStore Store() => VendorStore.Load(VendorDir);

    [Test]
    public void Vendor_owned_parts_equal_the_vendor_text()
    {
        Assert.That(Store().Entries, Is.Not.Empty, "no vendor text copied to the test output");
        Assert.That(VerbatimCheck.Differences(File.ReadAllText(VendorSpec.Path), Store()), Is.Empty);
    }

    [Test]
    public void Every_path_and_schema_declares_its_source()
    {
        var document = VendorSpec.Document;
        var unmarked = document.Paths.Where(p => !IsKnownSource(p.Value.Extensions)).Select(p => "path " + p.Key)
            .Concat(document.Components!.Schemas!.Where(s => !IsKnownSource(s.Value.Extensions)).Select(s => "schema " + s.Key));
        Assert.That(unmarked, Is.Empty, "every path and schema must say x-source: verbatim, or reconstructed[: evidence]");

        static bool IsKnownSource(IDictionary<string, Microsoft.OpenApi.IOpenApiExtension>? extensions)
        {
            var source = extensions?.TryGetValue("x-source", out var value) == true && value is Microsoft.OpenApi.JsonNodeExtension json
                ? json.Node.ToString()
                : null;
            return source is "verbatim" or "reconstructed" || source?.StartsWith("reconstructed: ", StringComparison.Ordinal) == true;
        }
    }

    [TestCase("Location", "Where")]
    [TestCase("- msg\n", "- message\n")]
    [TestCase("name: x-api-key", "name: x-api-token")]
    [TestCase("  - url: https://client.camb.ai/apis", "  - url: https://client.camb.ai/v2")]
    public void An_edit_to_vendor_text_is_reported(string from, string to)
    {
        var spec = File.ReadAllText(VendorSpec.Path);
        Assert.That(spec, Does.Contain(from), "the edit must apply");
        var edited = spec.Replace(from, to, StringComparison.Ordinal);
        Assert.That(VerbatimCheck.Differences(edited, Store()), Has.Some.Contains("differs from the vendor's text"));
    }

    [Test]
    public void Marking_our_own_text_verbatim_is_reported()
    {
        var edited = File.ReadAllText(VendorSpec.Path).Replace(
            "  /audio-separation:\n    x-source: reconstructed", "  /audio-separation:\n    x-source: verbatim", StringComparison.Ordinal);
        Assert.That(VerbatimCheck.Differences(edited, Store()), Has.Some.Contains("/audio-separation: marked x-source: verbatim, but no vendor file holds it"));
    }

    [Test]
    public void A_vendor_file_missing_from_sources_json_is_reported()
    {
        var dir = Directory.CreateTempSubdirectory("camb-vendor-");
        try
        {
            foreach (var file in Directory.GetFiles(VendorDir))
            {
                File.Copy(file, Path.Combine(dir.FullName, Path.GetFileName(file)));
            }

            File.WriteAllText(Path.Combine(dir.FullName, "stray.yaml"), "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n");
            Assert.That(VerbatimCheck.Differences(File.ReadAllText(VendorSpec.Path), VendorStore.Load(dir.FullName)),
                Has.Some.Contains("stray.yaml: not listed in sources.json"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
