namespace CambApi.Contract.Tests;

/// <summary>
/// The approved surface tells the truth about what a consumer can mock: every property a consumer can override is shown
/// <c>virtual</c> in it (PublicApiGenerator alone drops the word when the setter is not public).
/// </summary>
[TestFixture]
public sealed class VirtualMembersTests
{
    [Test]
    public void Every_overridable_property_is_shown_virtual_in_the_approved_surface()
    {
        var assembly = typeof(AudioSeparationClient).Assembly;
        var surface = ApprovedApi.Of(assembly);

        var missing = ApprovedApi.OverridableProperties(assembly).Where(p =>
        {
            var (from, to) = ApprovedApi.TypeBlock(surface, p.Type);
            return !surface[from..to].Any(l => l.Contains($" virtual ", StringComparison.Ordinal) && l.Contains($" {p.Property.Name} {{", StringComparison.Ordinal));
        }).Select(p => $"{p.Type.Name}.{p.Property.Name}").ToList();

        Assert.That(ApprovedApi.OverridableProperties(assembly).Select(p => $"{p.Type.Name}.{p.Property.Name}"), Does.Contain("SeparationOperation.Status"),
            "the check sees a property with a private setter");
        Assert.That(missing, Is.Empty, "overridable properties the approved surface does not show as virtual");
    }
}
