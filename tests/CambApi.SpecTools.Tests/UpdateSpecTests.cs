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
        "CHANGED       schema AudioSeparationRunInfoResponse: new optional response field: sample_rate_hz (number)")]
    [TestCase("required-to-optional.txt", 3,
        "BREAKING      schema ValidationError.msg: required → optional (may now be absent: null where callers never saw null)")]
    [TestCase("new-required-parameter.txt", 3,
        "BREAKING      GET /audio-separation-result/{run_id}: new required query parameter region (string)")]
    [TestCase("description-only.txt", 0,
        "NON-BREAKING  schema AudioSeparationRunInfoResponse.foreground_audio_url: description \"…detected foreground audio.\" → \"…detected foreground audio track.\"")]
    [TestCase("deprecated-operation.txt", 0,
        "DEPRECATED    GET /audio-separation-result/{run_id}: deprecated by the vendor (CambApiRestClient.GetAudioSeparationRunInfoAsync is [Obsolete], CAMB0001)")]
    [TestCase("documented-404.txt", 0,
        "CHANGED       GET /audio-separation-result/{run_id}: response 404 documented (the client now maps it instead of a generic CambApiException)")]
    [TestCase("richer-validation-error.txt", 0,
        "CHANGED       schema ValidationError: new optional response field: input (any)")]
    [TestCase("richer-validation-error.txt", 0,
        "CHANGED       schema ValidationError: new optional response field: ctx (object)")]
    [TestCase("moved-operation.txt", 3,
        "BREAKING      GET /audio-separation-result/{run_id}: moved → GET /v2/audio-separation-result/{run_id}")]
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
        Assert.That(Lines(result.Output), Does.Contain("0 breaking, 0 changed, 1 non-breaking: nothing breaks callers (exit 0). Next: run `bash build/test.sh` (this report did not run the tests)."));
    }

    [Test]
    public void A_deprecation_lists_where_our_code_still_uses_it()
    {
        using var repo = new TempRepo();
        var source = Path.Combine(repo.Root, "src", "CambApi", "Results.cs");
        Directory.CreateDirectory(Path.GetDirectoryName(source)!);
        File.WriteAllText(source, "var result = await Rest.GetAudioSeparationRunInfoAsync(runId);\n");

        var result = repo.Update("deprecated-operation.txt");

        Assert.That(result.Exit, Is.Zero, result.Output);
        Assert.That(Lines(result.Output), Does.Contain("src/CambApi/Results.cs:1  GetAudioSeparationRunInfoAsync  (var result = await Rest.GetAudioSeparationRunInfoAsync(runId);)"));
        Assert.That(Lines(result.Output), Does.Contain(
            "0 breaking, 0 changed, 1 deprecated, 1 non-breaking: nothing breaks callers (exit 0). Next: run `bash build/test.sh` (this report did not run the tests)."));
    }

    [Test]
    public void A_moved_operation_keeps_its_method_name_in_the_report()
    {
        using var repo = new TempRepo();

        var result = repo.Update("moved-operation.txt");

        Assert.That(ChangeLines(result.Output), Has.None.Contains("operationId").And.None.Contains("C# method"), result.Output);
    }

    [Test]
    public void A_new_operation_in_a_whole_document_is_added_and_breaks_nothing()
    {
        using var repo = new TempRepo();
        repo.Update("openapi.json");

        var result = repo.Update("openapi-new-operation.json");

        Assert.That(result.Exit, Is.Zero, result.Output);
        Assert.That(Lines(result.Output), Does.Contain("added from vendor text: paths//audio-separation/{task_id}/cancel"));
        Assert.That(ChangesForTheClient(result.Output), Is.EqualTo(new[]
        {
            "NON-BREAKING  POST /audio-separation/{task_id}/cancel: operation added (CambApiRestClient.CancelAudioSeparationAsync)",
        }));
        Assert.That(repo.Spec, Does.Contain("  /audio-separation/{task_id}/cancel:\n    x-source: verbatim\n"));
    }

    [TestCase("not-a-spec.txt", "no OpenAPI here")]
    [TestCase("broken-yaml.txt", "is not valid YAML/JSON (line")]
    [TestCase("not-json.json", "is not valid YAML/JSON (line")]
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
        Assert.That(store.Entries.Single(), Is.EqualTo(new VendorEntry("get-audio-separation-result.yaml", "renamed-field.txt", "docs page", "2026-11-25",
            "https://docs.camb.ai/api-reference/endpoint/get-audio-separation-result.md")), "a page saved by hand keeps the address --fetch reads it from");
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

    [Test]
    public void A_whole_fastapi_openapi_json_with_the_four_operations_takes_over_from_the_page()
    {
        using var repo = new TempRepo();

        var result = repo.Update("openapi.json");

        Assert.That(result.Exit, Is.EqualTo(0), result.Output + result.Error);
        var lines = Lines(result.Output);
        Assert.That(lines, Does.Contain("update-spec: openapi.json ← openapi.json (OpenAPI document)"));
        Assert.That(lines, Does.Contain("(no changes)"), "the vendor's parts are the ones we hold");
        Assert.That(lines, Does.Contain("Note: openapi/vendor/get-audio-separation-result.yaml: retired; the newer vendor text holds everything it held."));
        Assert.That(lines, Does.Contain(
            "same as ours: components/schemas/Body_create_audio_separation_audio_separation_post, components/schemas/OrchestratorPipelineCallResult, " +
            "components/schemas/OrchestratorPipelineResult, components/schemas/RunIDsRequestPayload, components/schemas/TaskStatus, " +
            "paths//audio-separation, paths//audio-separation-results, paths//audio-separation/{task_id}"));
        Assert.That(lines, Does.Contain("no change for the client (exit 0)."));
        Assert.That(VendorStore.Load(SpecCommands.VendorDirectory(repo.Root)).Entries.Select(e => e.File), Is.EqualTo(new[] { "openapi.json" }));
        Assert.That(repo.VerbatimProblems(), Is.Empty);
    }

    [Test]
    public void An_operation_the_vendor_drops_is_removed_from_the_spec()
    {
        using var repo = new TempRepo();
        repo.Update("openapi.json");

        var result = repo.Update("openapi-without-result.json");

        Assert.That(result.Exit, Is.EqualTo(3));
        Assert.That(ChangeLines(result.Output), Is.EqualTo(new[]
        {
            "BREAKING      GET /audio-separation-result/{run_id}: operation removed (CambApiRestClient.GetAudioSeparationRunInfoAsync)",
            "NON-BREAKING  schema RunIDParam: removed (a named primitive: inlined where used, no generated type)",
        }));
        Assert.That(repo.Spec, Does.Not.Contain("/audio-separation-result/{run_id}:").And.Not.Contain("RunIDParam:"));
        Assert.That(repo.VerbatimProblems(), Is.Empty);
    }

    [Test]
    public void A_reconstructed_part_the_vendor_publishes_differently_is_listed_not_changed()
    {
        using var repo = new TempRepo();
        var before = repo.Spec;

        var result = repo.Update("openapi-new-status.json");

        Assert.That(result.Exit, Is.EqualTo(0));
        var lines = Lines(result.Output);
        Assert.That(lines, Does.Contain("components/schemas/TaskStatus (openapi.json) differs; adopting it would change:"));
        Assert.That(lines, Does.Contain(NewStatusLine));
        Assert.That(repo.Spec, Is.EqualTo(before), "our reconstructed parts are left alone");
    }

    [Test]
    public void Adopt_takes_the_vendor_text_for_the_reconstructed_parts_it_publishes()
    {
        using var repo = new TempRepo();

        var result = repo.Update(adopt: true, "openapi-new-status.json");

        Assert.That(result.Exit, Is.EqualTo(0));
        Assert.That(ChangeLines(result.Output), Does.Contain(NewStatusLine));
        Assert.That(repo.Spec, Does.Contain("    TaskStatus:\n      x-source: verbatim\n").And.Contain("        - CANCELLED\n"));
        Assert.That(repo.VerbatimProblems(), Is.Empty);
    }

    [Test]
    public void A_vendor_schema_renamed_under_a_part_of_ours_is_kept_for_it_and_said_so()
    {
        using var repo = new TempRepo();

        var result = repo.Update("renamed-schema.txt");

        Assert.That(result.Exit, Is.EqualTo(3));
        Assert.That(ChangeLines(result.Output), Is.EqualTo(new[]
        {
            "BREAKING      GET /audio-separation-result/{run_id} response 200 (application/json): type AudioSeparationRunInfoResponse → GetAudioSeparationResultOut",
            "NON-BREAKING  schema AudioSeparationRunInfoResponse: provenance verbatim → reconstructed",
            "NON-BREAKING  schema GetAudioSeparationResultOut: added",
        }));
        Assert.That(Lines(result.Output), Does.Contain(
            "Note: components/schemas/AudioSeparationRunInfoResponse: the vendor no longer publishes it, but paths//audio-separation-results still use it; kept and marked reconstructed. Point them at the vendor's replacement, or keep it as ours."));
        Assert.That(repo.VerbatimProblems(), Is.Empty);
    }

    [Test]
    public void An_inconsistent_vendor_folder_is_bad_input()
    {
        using var repo = new TempRepo();
        File.WriteAllText(Path.Combine(SpecCommands.VendorDirectory(repo.Root), "stray.yaml"), "openapi: 3.1.0\n");
        var before = repo.Fingerprint();

        var result = repo.Update("renamed-field.txt");

        Assert.That(result.Exit, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("openapi/vendor/ is inconsistent (openapi/vendor/stray.yaml: not listed in sources.json.)"));
        Assert.That(repo.Fingerprint(), Is.EqualTo(before));
    }

    private const string NewStatusLine =
        "CHANGED       schema TaskStatus: new enum value CANCELLED; the client keeps a status it does not know and treats it as not finished (polls on until MaxWait); if it is final, add it to SeparationStatus.IsTerminal";

    internal static List<string> Lines(string output) => output.Split('\n').Select(l => l.Trim()).ToList();

    /// <summary>The lines of the report's "What changes for the client" section (not what adopting a part would change).</summary>
    internal static List<string> ChangesForTheClient(string output) =>
        ChangeLines(string.Join('\n', Lines(output).SkipWhile(l => !l.StartsWith("What changes", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => ChangeLines(l).Count > 0)));

    /// <summary>The report's change lines, classified.</summary>
    internal static List<string> ChangeLines(string output) =>
        Lines(output).Where(l => ChangeLabels.Any(label => l.StartsWith(label + " ", StringComparison.Ordinal))).ToList();

    private static readonly string[] ChangeLabels = ["BREAKING", "UNCLASSIFIED", "CHANGED", "DEPRECATED", "NON-BREAKING"];
}
