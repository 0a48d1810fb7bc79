namespace CambApi.Tests.Packaging;

/// <summary>
/// The repository's GitHub workflows (CI and the spec watch) pass the workflow schema offline
/// (build/validate-workflows.sh: @action-validator/cli from the npm registry), and a broken copy does not: a check
/// that passed everything would pass these too.
/// </summary>
[TestFixture]
public sealed class GitHubWorkflowTests
{
    private static string Workflows => Path.Combine(Commands.RepoRoot, ".github", "workflows");

    [TestCase("ci.yml")]
    [TestCase("spec-watch.yml")]
    public void The_workflow_is_valid(string name)
    {
        var (exit, output) = Validate(Path.Combine(Workflows, name));

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain($"valid: {name}"));
    }

    [TestCase("ci.yml", "runs-on:", "runs_on:")]
    [TestCase("spec-watch.yml", "workflow_dispatch:", "workflow_dispatched:")]
    [TestCase("spec-watch.yml", "    steps:", "    stepz:")]
    public void A_broken_copy_fails(string name, string from, string to)
    {
        var text = File.ReadAllText(Path.Combine(Workflows, name));
        Assert.That(text, Does.Contain(from));
        var copy = Path.Combine(Path.GetTempPath(), $"camb-broken-{Guid.NewGuid():N}-{name}");
        File.WriteAllText(copy, text.Replace(from, to, StringComparison.Ordinal));
        try
        {
            var (exit, output) = Validate(copy);

            Assert.That(exit, Is.Not.EqualTo(0), output);
            Assert.That(output, Does.Contain("INVALID"));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    [Test]
    public void The_watch_runs_the_fetch_and_ci_runs_the_readme_test_command()
    {
        var watch = File.ReadAllText(Path.Combine(Workflows, "spec-watch.yml"));
        var ci = File.ReadAllText(Path.Combine(Workflows, "ci.yml"));

        Assert.That(watch, Does.Contain("bash build/update-spec.sh --fetch"));
        Assert.That(watch, Does.Contain("-- check"));
        Assert.That(ci, Does.Contain("bash .ci/run"));
        Assert.That(File.ReadAllText(Path.Combine(Commands.RepoRoot, ".ci", "run")), Does.Contain("exec bash build/test.sh"));
    }

    private static (int Exit, string Output) Validate(string file) =>
        Commands.Run("bash", Path.Combine(Commands.RepoRoot, "build", "validate-workflows.sh"), file);
}
