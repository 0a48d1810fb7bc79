using System.Text.RegularExpressions;

namespace CambApi.Tests;

/// <summary>
/// The documented trimmed mode works: tests/CambApi.TrimmedApp (PublishTrimmed, CambApi.Client and Newtonsoft.Json
/// rooted) publishes with trim warnings only from those two assemblies — none from CambApi — and, trimmed, polls a task,
/// reads a result, a batch and a 422 correctly.
/// </summary>
[TestFixture]
[Category("Slow")] // packs, publishes or benchmarks: the whole suite runs it; build/test.sh --fast leaves it out
[NonParallelizable] // a publish: ILLink takes both cores for a while
public sealed class TrimmedConsumerTests
{
    [Test]
    public void Trimmed_app_publishes_with_warnings_only_from_newtonsoft_and_the_generated_client_and_runs()
    {
        var root = Commands.RepoRoot;
        var output = Directory.CreateTempSubdirectory("cambapi-trimmed-").FullName;
        try
        {
            // A fresh folder for the trimmer's own output: with the usual obj/…/linked/ a second run finds ILLink up to
            // date, skips it, and prints no warnings at all — the suite must give the same answer every time it runs.
            var linked = Path.Combine(output, "linked") + Path.DirectorySeparatorChar;
            var publish = Commands.Run("dotnet", "publish", Path.Combine(root, "tests", "CambApi.TrimmedApp"), "-c", "Release", "-o", Path.Combine(output, "app"),
                $"-p:IntermediateLinkDir={linked}", "-nologo", "-v:q", "-clp:NoSummary");
            Assert.That(publish.ExitCode, Is.Zero, "publish failed:\n" + publish.Output);

            var warnings = Regex.Matches(publish.Output, @"warning (IL\d+): Assembly '([^']+)'").Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}").Distinct().Order().ToList();
            Assert.That(warnings, Is.EqualTo(new[] { "IL2104 CambApi.Client", "IL2104 Newtonsoft.Json" }));
            Assert.That(Regex.IsMatch(publish.Output, @"\bIL\d{4}\b.*CambApi\.dll|src/CambApi/"), Is.False, "the hand-written library must not warn");

            var app = Commands.Run(Path.Combine(output, "app", "CambApi.TrimmedApp"));
            Assert.That((app.ExitCode, app.Output.Trim()), Is.EqualTo((0, "trimmed app: status, result, batch and 422 read correctly")));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
