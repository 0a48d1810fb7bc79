namespace CambApi.SpecTools.Tests;

/// <summary>
/// The provenance check finds every way the spec can stop holding the vendor's text. On the frozen baseline
/// (fixtures/baseline), not the live openapi/: a real vendor update changes the live text these edits are made on.
/// </summary>
[TestFixture]
public sealed class VerbatimCheckTests
{
    private static readonly string BaselineSpec = Path.Combine(TempRepo.Baseline, "openapi", "camb-api.yaml");

    private static VendorStore Store() => VendorStore.Load(Path.Combine(TempRepo.Baseline, "openapi", "vendor"));

    [Test]
    public void The_baseline_holds_the_vendor_text() =>
        Assert.That(VerbatimCheck.Differences(File.ReadAllText(BaselineSpec), Store()), Is.Empty);

    [TestCase("Location", "Where")]
    [TestCase("- msg\n", "- message\n")]
    [TestCase("name: x-api-key", "name: x-api-token")]
    [TestCase("  - url: https://client.camb.ai/apis", "  - url: https://client.camb.ai/v2")]
    public void An_edit_to_vendor_text_is_reported(string from, string to)
    {
        var spec = File.ReadAllText(BaselineSpec);
        Assert.That(spec, Does.Contain(from), "the edit must apply");
        var edited = spec.Replace(from, to, StringComparison.Ordinal);
        Assert.That(VerbatimCheck.Differences(edited, Store()), Has.Some.Contains("differs from the vendor's text"));
    }

    [Test]
    public void Marking_our_own_text_verbatim_is_reported()
    {
        var edited = File.ReadAllText(BaselineSpec).Replace(
            "  /audio-separation:\n    x-source: reconstructed", "  /audio-separation:\n    x-source: verbatim", StringComparison.Ordinal);
        Assert.That(VerbatimCheck.Differences(edited, Store()), Has.Some.Contains("/audio-separation: marked x-source: verbatim, but no vendor file holds it"));
    }

    [Test]
    public void A_vendor_file_missing_from_sources_json_is_reported()
    {
        using var repo = new TempRepo();
        var vendor = SpecCommands.VendorDirectory(repo.Root);
        File.WriteAllText(Path.Combine(vendor, "stray.yaml"), "openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n");

        Assert.That(VerbatimCheck.Differences(repo.Spec, VendorStore.Load(vendor)), Has.Some.Contains("stray.yaml: not listed in sources.json"));
    }
}
