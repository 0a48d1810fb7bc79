namespace CambApi.SpecTools.Tests;

/// <summary>The verdict follows from the report's lines, and "Next:" names every step back to a green suite.</summary>
[TestFixture]
public sealed class SpecReportTests
{
    private static readonly Change NewField = new(Impact.Changed, "schema ValidationError", "new optional response field: input (any)");

    private static SpecReport Report(IReadOnlyList<Change> changes, ClientReport? client) => new("t", [], changes, client, [], [], []);

    private static ClientReport Client(IReadOnlyList<CompileError>? errors = null, IReadOnlyList<FailedTest>? failed = null, IReadOnlyList<Change>? assembly = null) =>
        new(assembly ?? [], errors ?? [], [], errors is { Count: > 0 } ? null : failed ?? [], []);

    [Test]
    public void Our_code_not_compiling_is_not_a_breaking_change_for_callers()
    {
        var report = Report([NewField], Client(errors: [new CompileError("tests/X/A.cs", 3, "CS0104", "'Response' is ambiguous")]));

        Assert.That(report.ExitCode, Is.EqualTo(ExitCodes.OurCodeNeedsChange));
        Assert.That(report.Verdict, Is.EqualTo(
            "0 breaking, 1 changed, 0 non-breaking: nothing breaks callers; our code needs a change (exit 4). " +
            "Next: fix the code that no longer compiles (tests/X/A.cs:3  CS0104 'Response' is ambiguous); then `bash build/test.sh` is green."));
    }

    [Test]
    public void Snapshots_to_approve_are_a_step_not_a_failure_and_other_failing_tests_are_named()
    {
        var approval = new FailedTest("Client_public_api_is_approved", "CambApi.Contract.Tests.SnapshotTests", "changed");
        var reading = new FailedTest("Reads_input", "CambApi.Tests.SimulatorValidationTests", "KeyNotFoundException");

        Assert.That((Report([NewField], Client(failed: [approval])).ExitCode, Report([NewField], Client(failed: [approval])).Verdict), Is.EqualTo((0,
            "0 breaking, 1 changed, 0 non-breaking: nothing breaks callers (exit 0). " +
            "Next: review the generated client's public API, then approve it once with `bash build/approve-api.sh`; then `bash build/test.sh` is green.")));
        Assert.That((Report([NewField], Client(failed: [approval, reading])).ExitCode, Report([NewField], Client(failed: [approval, reading])).Verdict), Is.EqualTo((4,
            "0 breaking, 1 changed, 0 non-breaking: nothing breaks callers; our code needs a change (exit 4). " +
            "Next: review the generated client's public API, then approve it once with `bash build/approve-api.sh`; make the failing test pass (Reads_input); then `bash build/test.sh` is green.")));
    }

    [Test]
    public void Breaking_only_when_a_line_says_so()
    {
        var removed = new Change(Impact.Breaking, "schema X", "removed (its generated class disappears)");

        Assert.That(Report([removed], Client()).ExitCode, Is.EqualTo(ExitCodes.Breaking));
        Assert.That(Report([NewField], Client(assembly: [new Change(Impact.Breaking, "C# X.Y", "removed")])).Verdict, Does.Contain("BREAKING (exit 3)"), "ApiCompat's line counts");
        Assert.That(Report([NewField], Client()).Verdict, Is.EqualTo("0 breaking, 1 changed, 0 non-breaking: nothing breaks callers (exit 0)."), "all green: nothing to do");
    }
}
