using System.IO.Compression;
using System.Xml.Linq;

namespace CambApi.Tests;

/// <summary>
/// <c>dotnet pack</c> of the solution (no build: the suite's own binaries) makes the five packages a feed gets, each with
/// its metadata, readme, XML docs and a symbols package; the CLI is a dotnet tool.
/// </summary>
[TestFixture]
[Category("Slow")] // packs, publishes or benchmarks: the whole suite runs it; build/test.sh --fast leaves it out
[NonParallelizable] // packs into obj/ of the projects the other tests run from
public sealed class PackageTests
{
    private static readonly Lazy<string> Packed = new(Pack);

    [TestCase("CambApi", "lib/net10.0/CambApi.dll")]
    [TestCase("CambApi.Client", "lib/net10.0/CambApi.Client.dll")]
    [TestCase("CambApi.Simulator", "lib/net10.0/CambApi.Simulator.dll")]
    [TestCase("CambApi.Fleet", "lib/net10.0/CambApi.Fleet.dll")]
    [TestCase("CambApi.Fleet.Dashboard", "lib/net10.0/CambApi.Fleet.Dashboard.dll")]
    public void Library_package_has_metadata_docs_readme_and_symbols(string id, string assembly)
    {
        var (nuspec, files) = Read(id);
        Assert.Multiple(() =>
        {
            AssertMetadata(nuspec, id);
            Assert.That(files, Does.Contain(assembly).And.Contain(Path.ChangeExtension(assembly, ".xml")).And.Contain("README.md"));
            Assert.That(files.Where(f => f.StartsWith("lib/", StringComparison.Ordinal)), Has.None.Contains("OpenApiNormalizer"));
            Assert.That(Dependencies(nuspec), Has.None.Contains("OpenApiNormalizer").And.None.Contains("NSwag"), "build-time tools are not dependencies");
            if (id is "CambApi" or "CambApi.Client")
            {
                Assert.That(Dependencies(nuspec), Has.None.Contains("Hangfire"), "Hangfire (LGPL) stays out of the library and the client");
            }
            Assert.That(Directory.GetFiles(Packed.Value, $"{id}.*.snupkg").Where(f => IsPackage(f, id, ".snupkg")), Has.Exactly(1).Items, "symbols package");
        });
    }

    [Test]
    public void Cli_package_is_a_dotnet_tool_named_camb()
    {
        var (nuspec, files) = Read("CambApi.Cli");
        Assert.Multiple(() =>
        {
            AssertMetadata(nuspec, "CambApi.Cli");
            Assert.That(nuspec.Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => e.Attribute("name")?.Value), Does.Contain("DotnetTool"));
            Assert.That(files, Does.Contain("tools/net10.0/any/camb.dll").And.Contain("tools/net10.0/any/DotnetToolSettings.xml"));
            Assert.That(files.Where(f => f.StartsWith("tools/net10.0/any/CambApi.", StringComparison.Ordinal)).Select(Path.GetFileName),
                Is.SupersetOf(new[] { "CambApi.dll", "CambApi.Client.dll", "CambApi.Simulator.dll", "CambApi.Fleet.dll" }));
        });
    }

    private static void AssertMetadata(XElement nuspec, string id)
    {
        string? Get(string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.That(Get("id"), Is.EqualTo(id));
        Assert.That(Get("version"), Does.Match(@"^\d+\.\d+\.\d+"), "a version from git (MinVer)");
        Assert.That(Get("version"), Is.Not.EqualTo("1.0.0"));
        Assert.That(Get("description"), Is.Not.Empty.And.Not.EqualTo("Package Description"));
        Assert.That(Get("authors"), Is.EqualTo("CambApi maintainers"));
        Assert.That(nuspec.Descendants().Single(e => e.Name.LocalName == "license").Value, Is.EqualTo("MIT"));
        Assert.That(Get("readme"), Is.EqualTo("README.md"));
        Assert.That(Get("tags"), Does.Contain("camb.ai"));
        Assert.That(Get("releaseNotes"), Is.Not.Empty);
        var repository = nuspec.Descendants().Single(e => e.Name.LocalName == "repository");
        Assert.That(repository.Attribute("type")?.Value, Is.EqualTo("git"));
        Assert.That(repository.Attribute("commit")?.Value, Does.Match("^[0-9a-f]{40}$"), "the commit it was built from (SourceLink)");
    }

    private static (XElement Nuspec, List<string> Files) Read(string id)
    {
        var path = Directory.GetFiles(Packed.Value, $"{id}.*.nupkg").Single(f => IsPackage(f, id, ".nupkg"));
        using var zip = ZipFile.OpenRead(path);
        var entry = zip.Entries.Single(e => e.FullName == $"{id}.nuspec");
        using var stream = entry.Open();
        return (XElement.Load(stream), zip.Entries.Select(e => e.FullName).ToList());
    }

    /// <summary>CambApi.1.2.3.nupkg, not CambApi.Client.1.2.3.nupkg: after the id comes the version's first digit.</summary>
    private static bool IsPackage(string path, string id, string extension)
    {
        var name = Path.GetFileName(path);
        return name.EndsWith(extension, StringComparison.Ordinal) && name.Length > id.Length + 1 && char.IsAsciiDigit(name[id.Length + 1]);
    }

    private static IEnumerable<string> Dependencies(XElement nuspec) =>
        nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")?.Value ?? "");

    private static string Pack()
    {
        var output = Directory.CreateTempSubdirectory("cambapi-packages-").FullName;
        var configuration = new DirectoryInfo(TestContext.CurrentContext.TestDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        var (exitCode, log) = Commands.Run("dotnet", "pack", Path.Combine(Commands.RepoRoot, "CambApi.sln"), "--no-build", "-c", configuration, "-o", output, "-nologo", "-v:q");
        Assert.That(exitCode, Is.Zero, "dotnet pack failed:\n" + log);
        return output;
    }
}
