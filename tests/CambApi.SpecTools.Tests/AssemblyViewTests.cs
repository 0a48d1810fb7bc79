namespace CambApi.SpecTools.Tests;

/// <summary>
/// The assembly view end to end: the real generator builds the client from the spec before and after a vendor
/// update, and the real ApiCompat (the pinned local tool) compares them. Slow (two generations, ~15 s), so one test.
/// </summary>
[TestFixture]
public sealed class AssemblyViewTests
{
    private static readonly string RepoRoot = TempRepo.RepositoryRoot;

    [Test]
    [Category("Slow")] // builds the generated client twice (about 20 s): the whole suite runs it; build/test.sh --fast leaves it out
    public void A_renamed_response_field_reaches_the_generated_assembly_as_a_removed_property()
    {
        using var repo = new TempRepo();
        var before = Path.Combine(repo.Root, "before.yaml");
        File.Copy(SpecCommands.SpecPath(repo.Root), before);
        Assert.That(repo.Update("renamed-field.txt").Exit, Is.EqualTo(3));
        var notes = new List<string>();
        var work = Path.Combine(repo.Root, "artifacts");

        var old = ClientView.BuildClient(RepoRoot, before, null, Path.Combine(work, "before"), notes);
        var @new = ClientView.BuildClient(RepoRoot, SpecCommands.SpecPath(repo.Root), null, Path.Combine(work, "after"), notes);
        Assert.That(notes, Is.Empty);
        var lines = ClientView.Compare(RepoRoot, old!, @new!, notes).Select(c => c.ToString()).ToList();

        Assert.That(notes, Is.Empty);
        Assert.That(lines, Is.EqualTo(new[]
        {
            "BREAKING      C# AudioSeparationRunInfoResponse.ForegroundAudioUrl: removed (string?)",
            "NON-BREAKING  C# AudioSeparationRunInfoResponse.ForegroundUrl: added (string?)",
        }));
    }
}
