using CambApi.SpecTools;

namespace CambApi.Contract.Tests;

/// <summary>
/// The vendor-owned parts of the live spec (x-source: verbatim, and the top-level servers/security) are exactly the
/// vendor's current text in openapi/vendor/, as ordered by its sources.json. That the check finds an edit is the spec
/// tools' own test (CambApi.SpecTools.Tests VerbatimCheckTests, on the frozen baseline: a vendor update must not turn it red).
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
}
