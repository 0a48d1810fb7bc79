using System.Security.Cryptography;

namespace CambApi.SpecTools.Tests;

/// <summary>
/// A throwaway repository holding fixtures/baseline/openapi (the spec and vendor texts the fixtures were written
/// against, frozen: the live openapi/ changes with every real vendor update) to run the tools on.
/// </summary>
internal sealed class TempRepo : IDisposable
{
    /// <summary>The repository these tests were built from (the scripts and the client's project live there).</summary>
    public static readonly string RepositoryRoot = typeof(TempRepo).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;

    public static readonly string Baseline = Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", "baseline");

    public TempRepo()
    {
        Root = Directory.CreateTempSubdirectory("camb-spec-test-").FullName;
        foreach (var file in Directory.GetFiles(Baseline, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, Path.GetRelativePath(Baseline, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string Root { get; }

    public string Spec => File.ReadAllText(SpecCommands.SpecPath(Root));

    public string? Changes => File.Exists(SpecCommands.ChangesPath(Root)) ? File.ReadAllText(SpecCommands.ChangesPath(Root)) : null;

    public static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "fixtures", name);

    /// <summary>Runs update-spec at the spec level (no build) and returns its exit code and output.</summary>
    public (int Exit, string Output, string Error) Update(params string[] fixtures) => Update(adopt: false, fixtures);

    public (int Exit, string Output, string Error) Update(bool adopt, params string[] fixtures)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var exit = SpecCommands.Update(Root, fixtures.Select(Fixture).ToList(), adopt, build: false, runTests: false, "2026-11-25", output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>A hash of every file under openapi/: equal before and after means nothing was touched.</summary>
    public string Fingerprint()
    {
        var dir = Path.Combine(Root, "openapi");
        var all = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => Path.GetRelativePath(dir, f) + ":" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
        return string.Join('\n', all);
    }

    public IReadOnlyList<string> VerbatimProblems() =>
        VerbatimCheck.Differences(Spec, VendorStore.Load(SpecCommands.VendorDirectory(Root)));

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
