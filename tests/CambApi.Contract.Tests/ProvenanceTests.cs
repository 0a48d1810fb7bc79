using CambApi.OpenApiNormalizer;

namespace CambApi.Contract.Tests;

/// <summary>The parts of the spec marked x-source: verbatim are exactly the vendor's text (openapi/vendor/).</summary>
[TestFixture]
public sealed class ProvenanceTests
{
    private static readonly string VendorDir = Path.Combine(TestContext.CurrentContext.TestDirectory, "openapi", "vendor");

    private static IEnumerable<(string, string)> Fragments() =>
        Directory.GetFiles(VendorDir, "*.yaml").Order(StringComparer.Ordinal).Select(f => (Path.GetFileName(f), File.ReadAllText(f)));

    [Test]
    public void Verbatim_parts_equal_the_vendor_fragments()
    {
        Assert.That(Fragments().Count(), Is.GreaterThan(0), "no vendor fragments copied to the test output");
        Assert.That(VerbatimCheck.Differences(File.ReadAllText(VendorSpec.Path), Fragments()), Is.Empty);
    }

    [Test]
    public void Every_path_and_schema_declares_its_source()
    {
        var document = VendorSpec.Document;
        var unmarked = document.Paths.Where(p => p.Value.Extensions?.ContainsKey("x-source") != true).Select(p => "path " + p.Key)
            .Concat(document.Components!.Schemas!.Where(s => s.Value.Extensions?.ContainsKey("x-source") != true).Select(s => "schema " + s.Key));
        Assert.That(unmarked, Is.Empty, "every path and schema must say x-source: verbatim or reconstructed");
    }

    [TestCase("Location", "Where")]
    [TestCase("- msg\n", "- message\n")]
    public void An_edit_to_vendor_text_is_reported(string from, string to)
    {
        var edited = File.ReadAllText(VendorSpec.Path).Replace(from, to, StringComparison.Ordinal);
        Assert.That(VerbatimCheck.Differences(edited, Fragments()), Has.Some.Contains("differs from the vendor's text"));
    }

    [Test]
    public void Marking_our_own_text_verbatim_is_reported()
    {
        var edited = File.ReadAllText(VendorSpec.Path).Replace(
            "  /audio-separation:\n    x-source: reconstructed", "  /audio-separation:\n    x-source: verbatim", StringComparison.Ordinal);
        Assert.That(VerbatimCheck.Differences(edited, Fragments()), Has.Some.Contains("/audio-separation: marked x-source: verbatim, but no vendor fragment"));
    }
}
