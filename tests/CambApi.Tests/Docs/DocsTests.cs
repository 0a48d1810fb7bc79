using System.Text.RegularExpressions;

namespace CambApi.Tests.ConsumerExample;

/// <summary>
/// The README's C# snippets are code the suite compiles (and runs where no real key is needed), verbatim: the library,
/// DI, telemetry, mock and simulator examples. <see cref="Every_csharp_block_in_the_README_is_a_tested_region"/> keeps it so.
/// </summary>
[TestFixture]
public sealed class ReadmeSnippetTests
{
    private static readonly string[] Sources = ["SimulatorInConsumerTests", "MockedClientTests", "ReadmeExamples"];

    /// <summary>The code between "// README: region" and "// README: end", unindented.</summary>
    private static string Region(string file, string region)
    {
        var match = Regex.Match(Read($"ConsumerExample/{file}.cs.txt"), $@"\n(?<indent>[ ]*)// README: {region}\n(?<code>.*?)\n[ ]*// README: end", RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"no region '{region}' in {file}");
        var indent = match.Groups["indent"].Value.Length;
        return string.Join("\n", match.Groups["code"].Value.Split('\n').Select(line => line.Length >= indent ? line[indent..] : line.TrimStart()));
    }

    private static string Read(string relative) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, relative)).ReplaceLineEndings("\n");

    [TestCase("SimulatorInConsumerTests", "three-lines")]
    [TestCase("SimulatorInConsumerTests", "per-run-fixture")]
    [TestCase("SimulatorInConsumerTests", "traffic")]
    [TestCase("MockedClientTests", "mock")]
    [TestCase("ReadmeExamples", "one-call")]
    [TestCase("ReadmeExamples", "progress-and-resume")]
    [TestCase("ReadmeExamples", "finish")]
    [TestCase("ReadmeExamples", "operation")]
    [TestCase("ReadmeExamples", "dependency-injection")]
    [TestCase("ReadmeExamples", "telemetry")]
    public void The_README_quotes_the_tested_code(string file, string region)
    {
        var code = Region(file, region);

        Assert.That(Read("README.md"), Does.Contain("```csharp\n" + code + "\n```"), $"README.md should quote the '{region}' region exactly");
    }

    /// <summary>A new C# block in the README must come from a compiled region; one that does not is an error here.</summary>
    [Test]
    public void Every_csharp_block_in_the_README_is_a_tested_region()
    {
        var regions = Sources.SelectMany(file => Regex.Matches(Read($"ConsumerExample/{file}.cs.txt"), @"// README: (?<name>[a-z-]+)\n")
            .Select(m => m.Groups["name"].Value).Where(name => name != "end").Select(name => Region(file, name))).ToList();
        var blocks = Regex.Matches(Read("README.md"), "```csharp\n(?<code>.*?)\n```", RegexOptions.Singleline).Select(m => m.Groups["code"].Value).ToList();

        Assert.That(blocks, Is.Not.Empty);
        Assert.That(blocks.Where(block => !regions.Contains(block)), Is.Empty, "README C# blocks that no test compiles");
    }
}
