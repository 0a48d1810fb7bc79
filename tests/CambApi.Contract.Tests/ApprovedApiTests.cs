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
            "namespace CambApi.Client", "{",
            "    public class AudioSeparationRunInfoResponse", "    {",
            "        public string? Foreground_audio_url { get; set; }",
            "        public string? Background_audio_url { get; set; }",
            "    }", "}",
        ];
        var current = approved.Select(l => l.Replace("Foreground_audio_url", "Foreground_url", StringComparison.Ordinal)).ToArray();

        Assert.That(ApprovedApi.Describe(approved, current), Is.EqualTo(new[]
        {
            "- AudioSeparationRunInfoResponse: public string? Foreground_audio_url { get; set; }",
            "+ AudioSeparationRunInfoResponse: public string? Foreground_url { get; set; }",
        }));
    }

    [Test]
    public void The_same_surface_has_nothing_to_describe()
    {
        var surface = ApprovedApi.Of(typeof(CambApi.Client.CambApiRestClient).Assembly);
        Assert.That(ApprovedApi.Describe(surface, surface), Is.Empty);
    }
}
