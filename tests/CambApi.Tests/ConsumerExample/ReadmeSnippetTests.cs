using System.Text.RegularExpressions;

namespace CambApi.Tests.ConsumerExample;

/// <summary>The README's consumer snippets are code the suite compiles and runs, verbatim (simulator and mock examples).</summary>
[TestFixture]
public sealed class ReadmeSnippetTests
{
    private static string Read(string relative) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, relative)).ReplaceLineEndings("\n");

    [TestCase("SimulatorInConsumerTests", "three-lines")]
    [TestCase("SimulatorInConsumerTests", "per-run-fixture")]
    [TestCase("SimulatorInConsumerTests", "traffic")]
    [TestCase("MockedClientTests", "mock")]
    public void The_README_quotes_the_tested_code(string file, string region)
    {
        var source = Read($"ConsumerExample/{file}.cs.txt");
        var match = Regex.Match(source, $@"\n(?<indent>[ ]*)// README: {region}\n(?<code>.*?)\n[ ]*// README: end", RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"no region '{region}' in the example");
        var indent = match.Groups["indent"].Value.Length;
        var code = string.Join("\n", match.Groups["code"].Value.Split('\n').Select(line => line.Length >= indent ? line[indent..] : line.TrimStart()));

        Assert.That(Read("README.md"), Does.Contain("```csharp\n" + code + "\n```"), $"README.md should quote the '{region}' region exactly");
    }
}
