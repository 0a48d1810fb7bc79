namespace CambApi.SpecTools.Tests;

/// <summary>
/// update-spec fed with vendor updates (fixtures/, each the seed page with one change, as the vendor would publish
/// it): the exact report line and class, the exit code, and what lands in openapi/.
/// </summary>
[TestFixture]
public sealed class UpdateSpecTests
{
    [TestCase("renamed-field.txt", 3,
        "BREAKING      schema AudioSeparationRunInfoResponse: response field renamed: foreground_audio_url → foreground_url")]
    [TestCase("type-change.txt", 3,
        "BREAKING      GET /audio-separation-result/{run_id} path parameter run_id: type integer → string")]
    [TestCase("type-change.txt", 3,
        "BREAKING      schema RunIDParam: type integer → string")]
    [TestCase("format-change.txt", 3,
        "BREAKING      schema AudioSeparationRunInfoResponse.background_audio_url: format (none) → uri (the generated type follows the format)")]
    [TestCase("new-optional-field.txt", 0,
        "CHANGED       schema AudioSeparationRunInfoResponse: new optional response field: duration_seconds (number)")]
    [TestCase("required-to-optional.txt", 3,
        "BREAKING      schema ValidationError.msg: required → optional (may now be absent: null where callers never saw null)")]
    [TestCase("new-required-parameter.txt", 3,
        "BREAKING      GET /audio-separation-result/{run_id}: new required query parameter region (string)")]
    [TestCase("description-only.txt", 0,
        "NON-BREAKING  schema AudioSeparationRunInfoResponse.foreground_audio_url: description \"…detected foreground audio.\" → \"…detected foreground audio track.\"")]
    public void A_vendor_update_is_reported_by_class_and_applied(string fixture, int exit, string line)
    {
        using var repo = new TempRepo();

        var result = repo.Update(fixture);

        Assert.That(result.Error, Is.Empty);
        Assert.That(Lines(result.Output), Does.Contain(line), result.Output);
        Assert.That(result.Exit, Is.EqualTo(exit), result.Output);
        Assert.That(repo.VerbatimProblems(), Is.Empty, "the spec must hold the vendor's new text");
        Assert.That(repo.Changes, Does.Contain(line[14..].Split(": ", 2)[1]), "openapi/CHANGES.md records the change");
    }

    [Test]
    public void The_vendor_text_is_carried_into_the_spec_and_nothing_else_moves()
    {
        using var repo = new TempRepo();
        var before = repo.Spec.Split('\n');

        repo.Update("renamed-field.txt");

        var after = repo.Spec.Split('\n');
        var changed = before.Zip(after).Where(p => p.First != p.Second).ToList();
        Assert.That(after, Has.Length.EqualTo(before.Length));
        Assert.That(changed, Is.EqualTo(new[] { ("        foreground_audio_url:", "        foreground_url:") }));
        var vendor = File.ReadAllText(Path.Combine(repo.Root, "openapi", "vendor", "get-audio-separation-result.yaml"));
        Assert.That(vendor, Does.Contain("        foreground_url:\n"), "the vendor's text is stored as published");
    }

    [Test]
    public void A_description_only_update_is_the_only_line_and_breaks_nothing()
    {
        using var repo = new TempRepo();

        var result = repo.Update("description-only.txt");

        Assert.That(ChangeLines(result.Output), Has.Count.EqualTo(1), result.Output);
        Assert.That(Lines(result.Output), Does.Contain("0 breaking, 0 changed, 1 non-breaking: nothing breaks callers (exit 0)."));
    }

    [TestCase("not-a-spec.txt", "no OpenAPI here")]
    [TestCase("broken-yaml.txt", "is not valid YAML/JSON (line")]
    [TestCase("no-such-page.txt", "no such file")]
    public void Bad_input_exits_2_and_changes_nothing(string fixture, string message)
    {
        using var repo = new TempRepo();
        var before = repo.Fingerprint();

        var result = repo.Update(fixture);

        Assert.That(result.Exit, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(message).And.Contain("nothing changed"));
        Assert.That(repo.Fingerprint(), Is.EqualTo(before), "openapi/ must be untouched");
    }

    [Test]
    public void A_bad_source_among_good_ones_changes_nothing()
    {
        using var repo = new TempRepo();
        var before = repo.Fingerprint();

        var result = repo.Update("renamed-field.txt", "not-a-spec.txt");

        Assert.That(result.Exit, Is.EqualTo(2));
        Assert.That(repo.Fingerprint(), Is.EqualTo(before));
    }

    [Test]
    public void The_same_vendor_text_again_changes_nothing()
    {
        using var repo = new TempRepo();
        var before = repo.Fingerprint();

        var result = repo.Update("seed-page.txt");

        Assert.That(result.Exit, Is.EqualTo(0));
        Assert.That(result.Output, Does.Contain("already holds this vendor text; nothing changed"));
        Assert.That(repo.Fingerprint(), Is.EqualTo(before));
    }

    [Test]
    public void Sources_json_records_each_vendor_text_with_its_origin()
    {
        using var repo = new TempRepo();

        repo.Update("renamed-field.txt");

        var store = VendorStore.Load(SpecCommands.VendorDirectory(repo.Root));
        Assert.That(store.Entries.Single(), Is.EqualTo(new VendorEntry("get-audio-separation-result.yaml", "renamed-field.txt", "docs page", "2026-11-25")));
    }

    [Test]
    public void Changes_md_puts_the_newest_entry_first()
    {
        using var repo = new TempRepo();

        repo.Update("renamed-field.txt");
        repo.Update("description-only.txt");

        var changes = repo.Changes!;
        Assert.That(changes, Does.StartWith("# Changes to openapi/camb-api.yaml"));
        Assert.That(changes.IndexOf("description-only.txt", StringComparison.Ordinal), Is.LessThan(changes.IndexOf("renamed-field.txt", StringComparison.Ordinal)));
    }

    internal static List<string> Lines(string output) => output.Split('\n').Select(l => l.Trim()).ToList();

    /// <summary>The report's change lines, classified.</summary>
    internal static List<string> ChangeLines(string output) =>
        Lines(output).Where(l => l.StartsWith("BREAKING ", StringComparison.Ordinal) || l.StartsWith("CHANGED ", StringComparison.Ordinal) || l.StartsWith("NON-BREAKING ", StringComparison.Ordinal)).ToList();
}
