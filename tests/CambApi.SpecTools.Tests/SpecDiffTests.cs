namespace CambApi.SpecTools.Tests;

/// <summary>
/// The classification rules on hand edits of openapi/camb-api.yaml (what spec-diff reports for a pull request):
/// each edit, applied to the real spec, must produce exactly the expected line.
/// </summary>
[TestFixture]
public sealed class SpecDiffTests
{
    private static readonly string Spec = File.ReadAllText(Path.Combine(TempRepo.Baseline, "openapi", "camb-api.yaml"));

    private static List<string> Diff(string from, string to)
    {
        Assert.That(Spec, Does.Contain(from), "the edit must apply to the spec");
        var edited = Spec.Replace(from, to, StringComparison.Ordinal);
        return SpecDiff.Compare(Yaml.Load(Spec, "old"), Yaml.Load(edited, "new")).Select(c => c.ToString()).ToList();
    }

    [Test]
    public void The_same_spec_has_no_changes() =>
        Assert.That(SpecDiff.Compare(Yaml.Load(Spec, "a"), Yaml.Load(Spec, "b")), Is.Empty);

    [Test]
    public void A_new_status_value_says_how_the_client_treats_it() =>
        Assert.That(Diff("        - PAYMENT_REQUIRED\n", "        - PAYMENT_REQUIRED\n        - CANCELLED\n"), Is.EqualTo(new[]
        {
            "CHANGED       schema TaskStatus: new enum value CANCELLED; the client keeps a status it does not know and treats it as not finished (polls on until MaxWait); if it is final, add it to SeparationStatus.IsTerminal",
        }));

    [Test]
    public void A_status_value_answers_no_longer_carry_changes_behaviour() =>
        Assert.That(Diff("        - PAYMENT_REQUIRED\n", ""), Is.EqualTo(new[]
        {
            "CHANGED       schema TaskStatus: enum value PAYMENT_REQUIRED removed (answers no longer carry it; code that handles it keeps compiling where the enum is hand-written)",
        }));

    [Test]
    public void A_removed_operation_breaks_and_names_its_method()
    {
        var start = Spec.IndexOf("  /audio-separation-results:\n", StringComparison.Ordinal);
        var end = Spec.IndexOf("components:\n", start, StringComparison.Ordinal);
        Assert.That(Diff(Spec[start..end], ""), Is.EqualTo(new[]
        {
            "BREAKING      POST /audio-separation-results: operation removed (CambApiRestClient.GetAudioSeparationRunsResultsAsync)",
        }));
    }

    [Test]
    public void A_moved_operation_is_one_line_not_a_removal_and_an_addition() =>
        Assert.That(Diff("  /audio-separation-results:\n", "  /audio-separation/results:\n"), Is.EqualTo(new[]
        {
            "BREAKING      POST /audio-separation-results: moved → POST /audio-separation/results",
        }));

    [Test]
    public void A_renamed_schema_is_a_rename_not_a_removal_and_an_addition() =>
        Assert.That(Diff("RunIDsRequestPayload", "RunIdsPayload"), Is.EqualTo(new[]
        {
            "BREAKING      schema RunIDsRequestPayload: renamed → RunIdsPayload (the generated class is renamed)",
            "NON-BREAKING  schema RunIdsPayload: title \"RunIDsRequestPayload\" → \"RunIdsPayload\"",
        }));

    [Test]
    public void A_new_optional_request_input_breaks_nobody() =>
        Assert.That(Diff("        folder_id:\n", "        priority:\n          type: integer\n        folder_id:\n"), Is.EqualTo(new[]
        {
            "NON-BREAKING  schema Body_create_audio_separation_audio_separation_post: new optional request field: priority (integer)",
        }));

    [Test]
    public void A_request_field_that_becomes_required_breaks() =>
        Assert.That(Diff("      required:\n        - media_file\n", "      required:\n        - media_file\n        - project_name\n"), Is.EqualTo(new[]
        {
            "BREAKING      schema Body_create_audio_separation_audio_separation_post.project_name: optional → required (callers that leave it out now fail)",
        }));

    [Test]
    public void A_response_field_that_may_now_be_null_breaks()
    {
        var changes = Diff("        msg:\n          type: string\n", "        msg:\n          anyOf:\n            - type: string\n            - type: 'null'\n");
        Assert.That(changes, Is.EqualTo(new[] { "BREAKING      schema ValidationError.msg: may now be null (string → string | null)" }));
    }

    [Test]
    public void Deprecations_are_their_own_class_with_the_csharp_name_consumers_see()
    {
        var changes = SpecDiff.Compare(Yaml.Load(Spec, "old"), Yaml.Load(Spec
            .Replace("      operationId: get_audio_separation_run_info_audio_separation_result__run_id__get\n",
                "      operationId: get_audio_separation_run_info_audio_separation_result__run_id__get\n      deprecated: true\n", StringComparison.Ordinal)
            .Replace("        foreground_audio_url:\n          type: string\n", "        foreground_audio_url:\n          type: string\n          deprecated: true\n", StringComparison.Ordinal)
            .Replace("            title: Traceparent\n          x-source: 'reconstructed: @camb-ai/sdk 1.0.1 wire traffic (traceparent header on the batch call)'\n",
                "            title: Traceparent\n          deprecated: true\n          x-source: 'reconstructed: @camb-ai/sdk 1.0.1 wire traffic (traceparent header on the batch call)'\n", StringComparison.Ordinal), "new"));

        Assert.That(changes.Select(c => c.ToString()), Is.EqualTo(new[]
        {
            "DEPRECATED    GET /audio-separation-result/{run_id}: deprecated by the vendor (CambApiRestClient.GetAudioSeparationRunInfoAsync is [Obsolete], CAMB0001)",
            "DEPRECATED    POST /audio-separation-results header parameter traceparent: deprecated by the vendor",
            "DEPRECATED    schema AudioSeparationRunInfoResponse.foreground_audio_url: deprecated by the vendor (AudioSeparationRunInfoResponse.ForegroundAudioUrl is [Obsolete], CAMB0001)",
        }));
        Assert.That(changes.Select(c => c.DeprecatedName), Is.EqualTo(new[] { "GetAudioSeparationRunInfoAsync", null, "ForegroundAudioUrl" }), "the names the report looks for in our code");
    }

    [Test]
    public void A_moved_operation_with_the_same_id_keeps_its_method_and_says_only_that_it_moved() =>
        Assert.That(Diff("  /audio-separation-result/{run_id}:\n", "  /v2/audio-separation-result/{run_id}:\n"), Is.EqualTo(new[]
        {
            "BREAKING      GET /audio-separation-result/{run_id}: moved → GET /v2/audio-separation-result/{run_id}",
        }));

    [Test]
    public void A_changed_key_header_breaks() =>
        Assert.That(Diff("      name: x-api-key\n", "      name: x-api-token\n"), Is.EqualTo(new[]
        {
            "BREAKING      GET /audio-separation-result/{run_id}: security {APIKeyHeader: apiKey in header 'x-api-key'} → {APIKeyHeader: apiKey in header 'x-api-token'}: no alternative can be met with the API key in 'x-api-key' any more",
            "BREAKING      GET /audio-separation/{task_id}: security {APIKeyHeader: apiKey in header 'x-api-key'} → {APIKeyHeader: apiKey in header 'x-api-token'}: no alternative can be met with the API key in 'x-api-key' any more",
            "BREAKING      POST /audio-separation: security {APIKeyHeader: apiKey in header 'x-api-key'} → {APIKeyHeader: apiKey in header 'x-api-token'}: no alternative can be met with the API key in 'x-api-key' any more",
            "BREAKING      POST /audio-separation-results: security {APIKeyHeader: apiKey in header 'x-api-key'} → {APIKeyHeader: apiKey in header 'x-api-token'}: no alternative can be met with the API key in 'x-api-key' any more",
            "BREAKING      securityScheme APIKeyHeader: name x-api-key → x-api-token (the API key callers send)",
        }));

    [Test]
    public void A_removed_validation_response_breaks()
    {
        var validation = "        '422':\n          description: Validation Error\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/HTTPValidationError'\n      security:\n        - APIKeyHeader: []\n  /audio-separation/{task_id}:";
        Assert.That(Diff(validation, "      security:\n        - APIKeyHeader: []\n  /audio-separation/{task_id}:"), Is.EqualTo(new[]
        {
            "BREAKING      POST /audio-separation: response 422 removed (the client reads it as a typed result or error today; afterwards a generic CambApiException)",
        }));
    }

    [Test]
    public void A_newly_documented_status_changes_behaviour() =>
        Assert.That(Diff(
            "        '422':\n          description: Validation Error\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/HTTPValidationError'\n      security:\n        - APIKeyHeader: []\n  /audio-separation-results:",
            "        '422':\n          description: Validation Error\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/HTTPValidationError'\n        '404':\n          description: Not Found\n      security:\n        - APIKeyHeader: []\n  /audio-separation-results:"),
            Is.EqualTo(new[] { "CHANGED       GET /audio-separation-result/{run_id}: response 404 documented (the client now maps it instead of a generic CambApiException)" }));

    [Test]
    public void A_new_base_address_changes_behaviour() =>
        Assert.That(Diff("  - url: https://client.camb.ai/apis\n", "  - url: https://api.camb.ai/v2\n"), Is.EqualTo(new[]
        {
            "CHANGED       servers: https://client.camb.ai/apis → https://api.camb.ai/v2 (the client's default base address follows servers[0]; callers that set their own address are not moved)",
        }));

    [Test]
    public void Turning_vendor_text_into_our_own_is_visible() =>
        Assert.That(Diff("    RunIDParam:\n      x-source: verbatim\n", "    RunIDParam:\n      x-source: reconstructed\n"), Is.EqualTo(new[]
        {
            "NON-BREAKING  schema RunIDParam: provenance verbatim → reconstructed",
        }));

    [Test]
    public void An_operation_id_that_renames_the_method_breaks() =>
        Assert.That(Diff("operationId: get_audio_separation_status_audio_separation__task_id__get", "operationId: poll_audio_separation_audio_separation__task_id__get"),
            Is.EqualTo(new[]
            {
                "BREAKING      GET /audio-separation/{task_id}: operationId get_audio_separation_status_audio_separation__task_id__get → poll_audio_separation_audio_separation__task_id__get (CambApiRestClient.GetAudioSeparationStatusAsync → PollAudioSeparationAsync)",
            }));

    [Test]
    public void A_changed_default_changes_behaviour() =>
        Assert.That(Diff("          title: Project Name\n", "          title: Project Name\n          default: untitled\n"), Is.EqualTo(new[]
        {
            "CHANGED       schema Body_create_audio_separation_audio_separation_post.project_name: default (none) → untitled",
        }));

    [Test]
    public void Excerpts_show_where_two_texts_differ()
    {
        var a = new YamlDotNet.RepresentationModel.YamlScalarNode("one two three four five six seven");
        var b = new YamlDotNet.RepresentationModel.YamlScalarNode("one two three FOUR five six seven");
        Assert.That(SpecDiff.Excerpt(a, b), Is.EqualTo("\"…two three four five six…\" → \"…two three FOUR five six…\""));
    }
}

/// <summary>spec-diff: the report for a hand edit of openapi/camb-api.yaml against a revision.</summary>
[TestFixture]
public sealed class SpecDiffCommandTests
{
    [Test]
    public void A_breaking_hand_edit_exits_3_and_a_benign_one_0()
    {
        using var repo = new TempRepo();
        var old = Path.Combine(repo.Root, "old.yaml");
        File.Copy(SpecCommands.SpecPath(repo.Root), old);

        var benign = Run(repo, old, "      summary: Create Audio Separation\n", "      summary: Create an audio separation task\n");
        Assert.That(benign.Exit, Is.EqualTo(0));
        Assert.That(UpdateSpecTests.ChangeLines(benign.Output), Is.EqualTo(new[]
        {
            "NON-BREAKING  POST /audio-separation: summary \"Create Audio Separation\" → \"Create an audio separation task\"",
        }));

        var tighter = Run(repo, old, "          title: Run Ids\n", "          title: Run Ids\n      maxProperties: 1\n");
        Assert.That(tighter.Exit, Is.EqualTo(3), "a tighter limit on a request may refuse what callers send");
        Assert.That(UpdateSpecTests.ChangeLines(tighter.Output), Does.Contain(
            "BREAKING      schema RunIDsRequestPayload: maxProperties (none) → 1 (values callers could send before may be refused)"));

        var nowRequired = Run(repo, old, "        - status\n", "        - status\n        - run_id\n");
        Assert.That(nowRequired.Exit, Is.EqualTo(0), "a promise in an answer breaks nobody: answers are read tolerantly");
        Assert.That(UpdateSpecTests.ChangeLines(nowRequired.Output), Does.Contain(
            "NON-BREAKING  schema OrchestratorPipelineResult.run_id: optional → required (the vendor now promises it; an answer without it still reads, as null, with a drift warning)"));

        var renamed = Run(repo, old, "        run_ids:\n", "        ids:\n");
        Assert.That(renamed.Exit, Is.EqualTo(3));
        Assert.That(UpdateSpecTests.ChangeLines(renamed.Output), Does.Contain("BREAKING      schema RunIDsRequestPayload: request field removed: run_ids (array of integer)"));
    }

    private static (int Exit, string Output) Run(TempRepo repo, string old, string from, string to)
    {
        var original = File.ReadAllText(old);
        Assert.That(original, Does.Contain(from));
        File.WriteAllText(SpecCommands.SpecPath(repo.Root), original.Replace(from, to, StringComparison.Ordinal));
        using var output = new StringWriter { NewLine = "\n" };
        var exit = SpecCommands.Diff(repo.Root, old, null, "HEAD", build: false, runTests: false, output, TextWriter.Null);
        return (exit, output.ToString());
    }
}
