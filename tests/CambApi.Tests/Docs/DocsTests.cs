using System.Text.RegularExpressions;

namespace CambApi.Tests;

/// <summary>
/// The documentation (README.md for users, CONTRIBUTING.md and docs/ for maintainers) holds only what is true: every C#
/// block is code the suite compiles (and runs where no real key is needed), quoted verbatim from a marked region; every
/// link to a repository path points at something that exists; no example names a path of the machine it ran on; prose
/// names types and members, never file:line (which goes stale when code moves); the README stays short. And the other
/// way: every pointer from code, scripts and <c>--help</c> into the docs names a heading that exists; shipped text speaks
/// of the product, never of this project's tracker; the suite's size is stated once.
/// </summary>
[TestFixture]
public sealed partial class DocsTests
{
    /// <summary>Files that hold the quoted regions, each marked "// docs: name" … "// docs: end".</summary>
    private static readonly string[] Sources =
    [
        "tests/CambApi.Consumer.Tests/WithSimulator/SimulatorInConsumerTests.cs",
        "tests/CambApi.Consumer.Tests/MockedClientTests.cs",
        "tests/CambApi.Consumer.Tests/WithSimulator/ReadmeExamples.cs",
        "tests/CambApi.Consumer.Tests/FleetExamples.cs",
        "tests/CambApi.Consumer.Tests/FleetDashboardInAnAppTests.cs",
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

    [GeneratedRegex(@"\n(?<indent>[ ]*)// docs: (?<name>[a-z-]+)\n(?<code>.*?)\n[ ]*// docs: end", RegexOptions.Singleline)]
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

    /// <summary>Where code and scripts point into the docs: README "Heading", CONTRIBUTING "Heading", docs/page.md ("Heading").</summary>
    [GeneratedRegex(@"\b(?<doc>README|CONTRIBUTING|docs/[\w-]+\.md)(?:'s)?(?: (?:section )?""(?<heading>[^""]+)"")?")]
    private static partial Regex DocPointer();

    /// <summary>Everything a maintainer ships or runs that may point at the docs: source, project files, scripts, workflows.</summary>
    private static IEnumerable<string> CodeFiles() =>
        new[] { "src", "tests", "build", ".github", ".ci" }
            .Where(d => Directory.Exists(Path.Combine(Root, d)))
            .SelectMany(d => Directory.GetFiles(Path.Combine(Root, d), "*", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(p => p is "bin" or "obj" or "fixtures" or "__snapshots__" or "TestResults"))
            .Where(f => Path.GetExtension(f) is ".cs" or ".csproj" or ".props" or ".targets" or ".sh" or ".liquid" or ".yml" or "")
            .Append("Directory.Build.props").Append("Directory.Packages.props")
            .Order(StringComparer.Ordinal);

    private static HashSet<string> Headings(string doc) =>
        Read(doc).Split('\n').Where(l => l.StartsWith('#')).Select(l => l.TrimStart('#').Trim()).ToHashSet(StringComparer.Ordinal);

    [Test]
    public void Every_pointer_from_code_into_the_docs_names_a_heading_that_exists()
    {
        var problems = new List<string>();
        foreach (var file in CodeFiles().Where(f => f != "tests/CambApi.Tests/Docs/DocsTests.cs"))
        {
            var text = Read(file);
            foreach (Match pointer in DocPointer().Matches(text))
            {
                var doc = pointer.Groups["doc"].Value is "README" or "CONTRIBUTING" ? pointer.Groups["doc"].Value + ".md" : pointer.Groups["doc"].Value;
                if (!File.Exists(Path.Combine(Root, doc)))
                {
                    problems.Add($"{file}: {pointer.Value}: no such document");
                }
                else if (pointer.Groups["heading"].Success && !Headings(doc).Contains(pointer.Groups["heading"].Value))
                {
                    problems.Add($"{file}: {pointer.Value}: {doc} has no such heading");
                }
            }

            problems.AddRange(Regex.Matches(text, @"see the (README|docs)\b(?! ?""|/)", RegexOptions.IgnoreCase).Select(m => $"{file}: '{m.Value}' names no page or heading"));
        }

        Assert.That(problems, Is.Empty, "pointers into the docs must name a page (and a heading) that exists");
    }

    [Test]
    public void Shipped_text_speaks_of_the_product_not_of_the_projects_tracker()
    {
        var files = Documents().Concat(CodeFiles().Where(f => f.StartsWith("src/", StringComparison.Ordinal) || f.StartsWith("build/", StringComparison.Ordinal) || f.StartsWith("tests/", StringComparison.Ordinal)))
            .Where(f => f != "tests/CambApi.Tests/Docs/DocsTests.cs");
        var problems = files.SelectMany(f => Regex.Matches(Read(f), @"\b(issue|item) \d+\b|\bthe main job\b", RegexOptions.IgnoreCase)
            .Select(m => $"{f}: '{m.Value}'"));

        Assert.That(problems, Is.Empty, "a reader has no tracker: say what the thing is instead");
    }

    [Test]
    public void The_suites_size_is_stated_once()
    {
        var counts = Documents().SelectMany(doc => Regex.Matches(Read(doc), @"\b(?<n>\d[\d,]*) (passed, \d+ failed|tests\b)")
            .Select(m => (doc, n: m.Groups["n"].Value.Replace(",", "", StringComparison.Ordinal)))).ToList();

        Assert.That(counts.Select(c => c.n).Distinct().ToList(), Has.Count.LessThanOrEqualTo(1),
            "every count of the suite in the docs is the same run's: " + string.Join("; ", counts.Select(c => $"{c.doc}: {c.n}")));
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
