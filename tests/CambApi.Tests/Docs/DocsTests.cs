using System.Text.RegularExpressions;

namespace CambApi.Tests;

/// <summary>
/// The documentation (README.md for users, CONTRIBUTING.md and docs/ for maintainers) holds only what is true: every C#
/// block is code the suite compiles (and runs where no real key is needed), quoted verbatim from a marked region; every
/// link to a repository path points at something that exists; no example names a path of the machine it ran on; prose
/// names types and members, never file:line (which goes stale when code moves); the README stays short.
/// </summary>
[TestFixture]
public sealed partial class DocsTests
{
    /// <summary>Files that hold the quoted regions, each marked "// README: name" … "// README: end".</summary>
    private static readonly string[] Sources =
    [
        "tests/CambApi.Consumer.Tests/WithSimulator/SimulatorInConsumerTests.cs",
        "tests/CambApi.Consumer.Tests/MockedClientTests.cs",
        "tests/CambApi.Consumer.Tests/WithSimulator/ReadmeExamples.cs",
        "tests/CambApi.Consumer.Tests/FleetExamples.cs",
    ];

    private static string Root => Commands.RepoRoot;

    /// <summary>README.md, CONTRIBUTING.md and every page under docs/, as paths relative to the repository.</summary>
    private static IEnumerable<string> Documents() =>
        new[] { "README.md", "CONTRIBUTING.md" }
            .Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')))
            .Order(StringComparer.Ordinal);

    private static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative)).ReplaceLineEndings("\n");

    /// <summary>Every region of every source, by name, unindented.</summary>
    private static Dictionary<string, string> Regions() =>
        Sources.SelectMany(file => RegionMarker().Matches(Read(file)).Select(m =>
        {
            var indent = m.Groups["indent"].Value.Length;
            var code = string.Join("\n", m.Groups["code"].Value.Split('\n').Select(line => line.Length >= indent ? line[indent..] : line.TrimStart()));
            return (m.Groups["name"].Value, code);
        })).ToDictionary(r => r.Item1, r => r.Item2);

    [GeneratedRegex(@"\n(?<indent>[ ]*)// README: (?<name>[a-z-]+)\n(?<code>.*?)\n[ ]*// README: end", RegexOptions.Singleline)]
    private static partial Regex RegionMarker();

    [GeneratedRegex("```csharp\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [Test]
    public void Every_csharp_block_in_the_docs_is_a_tested_region()
    {
        var regions = Regions().Values.ToHashSet();
        var blocks = Documents().SelectMany(doc => CSharpBlock().Matches(Read(doc)).Select(m => (doc, code: m.Groups["code"].Value))).ToList();

        Assert.That(blocks, Is.Not.Empty);
        Assert.That(blocks.Where(b => !regions.Contains(b.code)).Select(b => $"{b.doc}: {b.code.Split('\n')[0]}"), Is.Empty,
            "C# blocks that no test compiles: put the code in a marked region of a consumer test and quote it");
    }

    [Test]
    public void Every_tested_region_is_quoted_in_the_docs()
    {
        var all = string.Join("\n", Documents().Select(Read));

        Assert.That(Regions().Where(r => !all.Contains("```csharp\n" + r.Value + "\n```", StringComparison.Ordinal)).Select(r => r.Key), Is.Empty,
            "regions marked for the docs that no document quotes exactly");
    }

    [Test]
    public void Links_to_repository_paths_exist()
    {
        var broken = new List<string>();
        foreach (var doc in Documents())
        {
            foreach (Match link in Regex.Matches(Read(doc), @"\]\((?<target>[^)\s]+)\)"))
            {
                var target = link.Groups["target"].Value.Split('#')[0];
                if (target.Length == 0 || Regex.IsMatch(target, "^[a-z]+:", RegexOptions.IgnoreCase))
                {
                    continue; // an anchor in the same page, or a web address
                }

                var path = Path.GetFullPath(Path.Combine(Root, Path.GetDirectoryName(doc)!, target));
                if (!File.Exists(path) && !Directory.Exists(path))
                {
                    broken.Add($"{doc}: {link.Groups["target"].Value}");
                }
            }
        }

        Assert.That(broken, Is.Empty, "links to repository paths that do not exist");
    }

    [Test]
    public void No_machine_paths_and_no_file_line_references()
    {
        var problems = new List<string>();
        foreach (var doc in Documents())
        {
            var text = Read(doc);
            problems.AddRange(Regex.Matches(text, @"(?<![\w.])/(work|root|home|tmp|Users)/[A-Za-z]").Select(m => $"{doc}: absolute path '{Around(text, m.Index)}'"));
            // Prose only: a transcript in a fenced block may quote a tool that prints file:line.
            var prose = Regex.Replace(text, "```.*?```", "", RegexOptions.Singleline);
            problems.AddRange(Regex.Matches(prose, @"\b[\w/.-]+\.(cs|sh|yaml|json|liquid):\d+").Select(m => $"{doc}: file:line '{m.Value}' (name the type or member)"));
        }

        Assert.That(problems, Is.Empty);

        static string Around(string text, int at) => text.Substring(at, Math.Min(40, text.Length - at)).Split('\n')[0];
    }

    [Test]
    public void The_readme_is_short_and_has_a_table_of_contents()
    {
        var readme = Read("README.md").Split('\n');

        Assert.That(readme, Has.Length.LessThanOrEqualTo(250), "README.md is for users: move maintainer material to CONTRIBUTING.md or docs/");
        var headings = readme.Where(l => l.StartsWith("## ", StringComparison.Ordinal) && l != "## Contents").Select(l => l[3..]).ToList();
        var contents = string.Join("\n", readme.SkipWhile(l => l != "## Contents").Skip(1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)));
        Assert.That(headings.Where(h => !contents.Contains($"[{h}]", StringComparison.Ordinal)), Is.Empty, "every section is in the table of contents");
    }
}
