namespace CambApi.SpecTools.Tests;

/// <summary>
/// Reading the tools' output into report lines: ApiCompat 10.0.403 (lines captured from a real run on a renamed
/// field, a format change and a new required parameter), the C# compiler and dotnet test.
/// </summary>
[TestFixture]
public sealed class ClientViewTests
{
    private const string Left = "/tmp/camb-spec-1/before/bin/CambApi.Client/debug/CambApi.Client.dll";
    private const string Right = "/tmp/camb-spec-1/after/bin/CambApi.Client/debug/CambApi.Client.dll";

    [Test]
    public void ApiCompat_findings_become_removed_added_and_changed_members()
    {
        string[] output =
        [
            $"API compatibility errors between '{Left}' (left) and '{Right}' (right):",
            $"CP0002: Member 'string? CambApi.Client.AudioSeparationRunInfoResponse.ForegroundAudioUrl.get' exists on {Left} but not on {Right}",
            $"CP0002: Member 'void CambApi.Client.AudioSeparationRunInfoResponse.ForegroundAudioUrl.set' exists on {Left} but not on {Right}",
            $"CP0002: Member 'string? CambApi.Client.AudioSeparationRunInfoResponse.BackgroundAudioUrl.get' exists on {Left} but not on {Right}",
            $"CP0002: Member 'string? CambApi.Client.AudioSeparationRunInfoResponse.ForegroundUrl.get' exists on {Right} but not on {Left}",
            $"CP0002: Member 'void CambApi.Client.AudioSeparationRunInfoResponse.ForegroundUrl.set' exists on {Right} but not on {Left}",
            $"CP0002: Member 'System.Uri? CambApi.Client.AudioSeparationRunInfoResponse.BackgroundAudioUrl.get' exists on {Right} but not on {Left}",
            $"CP0002: Member 'System.Threading.Tasks.Task<CambApi.Client.OrchestratorPipelineResult> CambApi.Client.CambApiRestClient.GetAudioSeparationStatusAsync(string, System.Nullable<int>, System.Threading.CancellationToken)' exists on {Left} but not on {Right}",
            $"CP0002: Member 'System.Threading.Tasks.Task<CambApi.Client.OrchestratorPipelineResult> CambApi.Client.CambApiRestClient.GetAudioSeparationStatusAsync(string, string, System.Nullable<int>, System.Threading.CancellationToken)' exists on {Right} but not on {Left}",
            $"CP0001: Type 'CambApi.Client.RunIDsRequestPayload' exists on {Left} but not on {Right}",
            "API breaking changes found. If those are intentional, the APICompat suppression file can be updated by specifying the '--generate-suppression-file' parameter.",
        ];

        var lines = ClientView.Translate(output, Left).Select(c => c.ToString());

        Assert.That(lines, Is.EqualTo(new[]
        {
            "BREAKING      C# AudioSeparationRunInfoResponse.BackgroundAudioUrl: string? → Uri?",
            "BREAKING      C# AudioSeparationRunInfoResponse.ForegroundAudioUrl: removed (string?)",
            "BREAKING      C# type RunIDsRequestPayload: removed",
            "CHANGED       C# CambApiRestClient.GetAudioSeparationStatusAsync: (string, int?, CancellationToken) → (string, string, int?, CancellationToken) (parameters added, the old ones kept in order: calls that name their arguments compile unchanged; code built against the old assembly is rebuilt)",
            "NON-BREAKING  C# AudioSeparationRunInfoResponse.ForegroundUrl: added (string?)",
        }));
    }

    [Test]
    public void Removed_members_are_names_to_look_for_in_our_code()
    {
        var gone = ClientView.Translate(
            [$"CP0002: Member 'string? CambApi.Client.AudioSeparationRunInfoResponse.ForegroundAudioUrl.get' exists on {Left} but not on {Right}",
             $"CP0001: Type 'CambApi.Client.RunIDsRequestPayload' exists on {Left} but not on {Right}"], Left).Select(c => c.Gone);
        Assert.That(gone, Is.EquivalentTo(new[] { "ForegroundAudioUrl", "RunIDsRequestPayload" }));
    }

    [Test]
    public void An_unknown_finding_is_kept_word_for_word_as_breaking() =>
        Assert.That(ClientView.Translate([$"CP0011: Field 'X.Y' has value '1' on {Left} but '2' on {Right}"], Left).Single().ToString(),
            Is.EqualTo($"BREAKING      C#: CP0011 Field 'X.Y' has value '1' on before but '2' on {Right}"));

    [Test]
    public void Compiler_errors_are_read_relative_to_the_repository_once_each()
    {
        const string output =
            "/repo/src/CambApi/AudioSeparationClient.cs(222,97): error CS1061: 'AudioSeparationRunInfoResponse' does not contain a definition for 'ForegroundAudioUrl' [/repo/src/CambApi/CambApi.csproj]\n" +
            "/repo/src/CambApi/AudioSeparationClient.cs(222,97): error CS1061: 'AudioSeparationRunInfoResponse' does not contain a definition for 'ForegroundAudioUrl' [/repo/src/CambApi/CambApi.csproj]\n" +
            "/repo/tests/CambApi.Contract.Tests/CambApi.Contract.Tests.csproj : warning NU1603: something [/repo/CambApi.sln]\n";

        var errors = ClientView.CompileErrors(output, "/repo");

        Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "src/CambApi/AudioSeparationClient.cs:222  CS1061 'AudioSeparationRunInfoResponse' does not contain a definition for 'ForegroundAudioUrl'",
        }));
    }

    [Test]
    public void Failed_tests_are_read_from_trx_with_their_class_and_the_first_line_of_their_message()
    {
        var results = Directory.CreateTempSubdirectory("camb-trx-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(results, "contract.trx"), """
                <?xml version="1.0" encoding="utf-8"?>
                <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
                  <Results>
                    <UnitTestResult testId="a" testName="Client_public_api_is_approved" outcome="Failed">
                      <Output><ErrorInfo><Message>The generated client (CambApi.Client)'s public API changed:
                + OrchestratorPipelineResult: public double? Progress { get; set; }</Message></ErrorInfo></Output>
                    </UnitTestResult>
                    <UnitTestResult testId="b" testName="Reads_input" outcome="Failed">
                      <Output><ErrorInfo><Message>KeyNotFoundException : The given key 'input' was not present.</Message></ErrorInfo></Output>
                    </UnitTestResult>
                    <UnitTestResult testId="c" testName="Passes" outcome="Passed" />
                  </Results>
                  <TestDefinitions>
                    <UnitTest id="a" name="Client_public_api_is_approved"><TestMethod className="CambApi.Contract.Tests.SnapshotTests" name="Client_public_api_is_approved" /></UnitTest>
                    <UnitTest id="b" name="Reads_input"><TestMethod className="CambApi.Tests.SimulatorValidationTests" name="Reads_input" /></UnitTest>
                    <UnitTest id="c" name="Passes"><TestMethod className="CambApi.Tests.X" name="Passes" /></UnitTest>
                  </TestDefinitions>
                </TestRun>
                """);

            var failed = ClientView.FailedTests(results);

            Assert.That(failed.Select(t => (t.ToString(), t.IsApproval)), Is.EqualTo(new[]
            {
                ("Client_public_api_is_approved: The generated client (CambApi.Client)'s public API changed:", true),
                ("Reads_input: KeyNotFoundException : The given key 'input' was not present.", false),
            }));
        }
        finally
        {
            Directory.Delete(results, recursive: true);
        }
    }

    [Test]
    public void Uses_of_a_gone_name_are_found_in_code_and_test_data_but_not_in_build_output()
    {
        var repo = Directory.CreateTempSubdirectory("camb-usages-").FullName;
        try
        {
            Write(repo, "src/CambApi.Simulator/Sim.cs", "var body = new { foreground_audio_url = url };\nvar other = new { foreground_audio_url_v2 = url };\n");
            Write(repo, "tests/T/Fixture.json", "{\"foreground_audio_url\": \"x\"}\n");
            Write(repo, "src/CambApi/obj/Debug/Generated.cs", "foreground_audio_url\n");
            Write(repo, "tests/T/__snapshots__/S.snap", "foreground_audio_url\n");
            Write(repo, "tests/CambApi.SpecTools.Tests/fixtures/page.txt", "foreground_audio_url\n");

            var uses = ClientView.FindUsages(repo, ["foreground_audio_url"]).Select(u => $"{u.File}:{u.Line}");

            Assert.That(uses, Is.EqualTo(new[] { "src/CambApi.Simulator/Sim.cs:1", "tests/T/Fixture.json:1" }));
        }
        finally
        {
            Directory.Delete(repo, recursive: true);
        }

        static void Write(string root, string path, string text)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
    }
}
