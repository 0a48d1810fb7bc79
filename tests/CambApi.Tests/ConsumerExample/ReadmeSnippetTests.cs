using System.Text.RegularExpressions;

namespace CambApi.Tests.ConsumerExample;

/// <summary>The README's simulator snippets are the code SimulatorInConsumerTests compiles and runs, verbatim.</summary>
[TestFixture]
public sealed class ReadmeSnippetTests
{
    private static string Read(string relative) =>
        File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, relative)).ReplaceLineEndings("\n");

    [TestCase("three-lines")]
    [TestCase("per-run-fixture")]
    [TestCase("traffic")]
    public void The_README_quotes_the_tested_code(string region)
    {
        var source = Read("ConsumerExample/SimulatorInConsumerTests.cs.txt");
        var match = Regex.Match(source, $@"\n(?<indent>[ ]*)// README: {region}\n(?<code>.*?)\n[ ]*// README: end", RegexOptions.Singleline);
        Assert.That(match.Success, Is.True, $"no region '{region}' in the example");
        var indent = match.Groups["indent"].Value.Length;
        var code = string.Join("\n", match.Groups["code"].Value.Split('\n').Select(line => line.Length >= indent ? line[indent..] : line.TrimStart()));

        Assert.That(Read("README.md"), Does.Contain("```csharp\n" + code + "\n```"), $"README.md should quote the '{region}' region exactly");
    }
}
