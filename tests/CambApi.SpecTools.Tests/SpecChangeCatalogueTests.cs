namespace CambApi.SpecTools.Tests;

/// <summary>
/// docs/spec-changes.md is the list of every class of vendor change the spec path knows, each with its level, exit code
/// and fixture. Each row's fixture goes through update-spec at the spec level on a scratch copy of the baseline: the
/// exit code and the harshest line's level must be the table's (a row whose exit is 4 is decided by the build and the
/// suite, so it must be 0 here), and a refused text must leave openapi/ untouched. build/check-spec-changes.sh runs the
/// same rows through the whole path (regenerate, build, approve, the suite).
/// </summary>
[TestFixture]
public sealed class SpecChangeCatalogueTests
{
    private static readonly string[] Levels = ["BREAKING", "UNCLASSIFIED", "CHANGED", "DEPRECATED", "NON-BREAKING"];

    /// <summary>One row of the table: the class, its level and exit code, and the fixture with its options.</summary>
    /// <param name="After">A vendor text taken in first, when the class needs one (a drop needs a text that held it).</param>
    public sealed record Row(string Family, string Class, string Level, int Exit, string Fixture, bool Adopt, string? After)
    {
        public override string ToString() => $"{Family}: {Class}";
    }

    public static IReadOnlyList<Row> Rows()
    {
        var doc = File.ReadAllLines(Path.Combine(TempRepo.RepositoryRoot, "docs", "spec-changes.md"));
        var rows = new List<Row>();
        foreach (var line in doc.SkipWhile(l => !l.StartsWith("| family | class |", StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split(" | ").Select(c => c.Trim()).ToArray();
            Assert.That(cells, Has.Length.EqualTo(7), $"a row of docs/spec-changes.md has 7 cells: {line}");
            var (fixture, after) = cells[6].Split(" after ") is [var f, var a] ? (f, a.Trim('`')) : (cells[6], null);
            var words = fixture.Trim('`').Split(' ');
            rows.Add(new Row(cells[0], cells[1], cells[3], int.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture), words[0], words.Contains("--adopt"), after));
        }

        return rows;
    }

    private static IEnumerable<TestCaseData> Cases() => Rows().Select(r => new TestCaseData(r).SetName($"{r.Family}: {r.Class}"));

    [TestCaseSource(nameof(Cases))]
    public void Each_class_lands_as_the_table_says(Row row)
    {
        using var repo = new TempRepo();
        if (row.After is { } first)
        {
            Assert.That(repo.Update(first).Exit, Is.Zero, $"{first} is taken in first");
        }

        var before = repo.Fingerprint();

        var (exit, output, error) = repo.Update(row.Adopt, row.Fixture);

        Assert.That(exit, Is.EqualTo(row.Exit == ExitCodes.OurCodeNeedsChange ? ExitCodes.Ok : row.Exit), output + error);
        if (row.Exit == ExitCodes.BadInput)
        {
            Assert.That(row.Level, Is.EqualTo("refused"));
            Assert.That(repo.Fingerprint(), Is.EqualTo(before), "a refused text leaves openapi/ untouched");
            Assert.That(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.LessThanOrEqualTo(2), "one line says why, one that nothing changed");
            return;
        }

        var harshest = UpdateSpecTests.ChangeLines(output).Select(l => l.Split(' ')[0]).MinBy(l => Array.IndexOf(Levels, l));
        Assert.That(harshest, Is.EqualTo(row.Level), output);
        Assert.That(repo.VerbatimProblems(), Is.Empty, "the spec holds the vendor's new text");
    }

    [Test]
    public void Every_fixture_is_a_row_and_every_row_has_its_fixture()
    {
        var rows = Rows();
        var classes = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "classes");
        var files = Directory.GetFiles(classes).Select(f => "classes/" + Path.GetFileName(f)).ToList();

        Assert.That(rows.Select(r => r.Fixture), Is.Unique, "one fixture per class");
        Assert.That(files, Is.SubsetOf(rows.Select(r => r.Fixture)), "a fixture in classes/ without a row in docs/spec-changes.md");
        Assert.That(rows.Where(r => !File.Exists(TempRepo.Fixture(r.Fixture))).Select(r => r.Fixture), Is.Empty, "a row whose fixture is missing");
        Assert.That(rows.Select(r => r.Level).Distinct(), Is.SubsetOf(Levels.Append("refused")));
        Assert.That(rows.Select(r => r.Exit).Distinct(), Is.SubsetOf(new[] { 0, 2, 3, 4 }));
    }
}
