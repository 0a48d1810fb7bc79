namespace CambApi.Contract.Tests;

/// <summary>The approval gate's message names each changed member with its type.</summary>
[TestFixture]
public sealed class ApprovedApiTests
{
    [Test]
    public void A_changed_public_surface_is_described_member_by_member()
    {
        string[] approved =
        [
            "namespace Example", "{",
            "    public class Widget", "    {",
            "        public string? Colour { get; set; }",
            "        public string? Size { get; set; }",
            "    }", "}",
        ];
        var current = approved.Select(l => l.Replace("Colour", "Color", StringComparison.Ordinal)).ToArray();

        Assert.That(ApprovedApi.Describe(approved, current), Is.EqualTo(new[]
        {
            "- Widget: public string? Colour { get; set; }",
            "+ Widget: public string? Color { get; set; }",
        }));
    }

    [Test]
    public void The_same_surface_has_nothing_to_describe()
    {
        var surface = ApprovedApi.Of(typeof(CambApi.Client.CambApiRestClient).Assembly);
        Assert.That(ApprovedApi.Describe(surface, surface), Is.Empty);
    }
}
