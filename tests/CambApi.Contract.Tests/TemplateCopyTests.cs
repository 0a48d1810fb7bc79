using System.Runtime.Loader;
using System.Text.RegularExpressions;

namespace CambApi.Contract.Tests;

/// <summary>
/// Our Templates/Class.liquid and Client.Method.Documentation.liquid are copies of the templates inside the pinned NSwag
/// package with marked changes. An NSwag upgrade that changes an original must fail here, not keep generating from a
/// stale copy. (Client.Class.ReadObjectResponse.liquid is a replacement, not a copy: it says so in its header.
/// Client.Class.Body.liquid fills an extension point NSwag leaves empty: it must stay empty in the package, or ours
/// would drop what an upgrade puts there.)
/// </summary>
[TestFixture]
public sealed class TemplateCopyTests
{
    /// <summary>
    /// What the marked changes insert inside an original line (the rest of each change is a whole marked region):
    /// our token → the original text.
    /// </summary>
    private static readonly (string Ours, string Original)[] InlineChanges =
    [
        ("{{ csharpName }}", "{{ property.PropertyName }}"),
        ("{{ cambDiagnosticId }}", ""),
        ("{{ cambObsoleteArguments }}", ""),
    ];

    [TestCase("Class.liquid", "NJsonSchema.CodeGeneration.CSharp.dll", ".Templates.Class.liquid")]
    [TestCase("Client.Method.Documentation.liquid", "NSwag.CodeGeneration.CSharp.dll", ".Templates.Client.Method.Documentation.liquid")]
    public void Our_template_is_the_packaged_one_plus_its_marked_changes(string file, string packageAssembly, string resourceSuffix)
    {
        var ours = File.ReadAllText(Path.Combine(RepoRoot(), "src", "CambApi.Client", "Templates", file)).ReplaceLineEndings("\n");
        var withoutChange = Regex.Replace(ours, @"\A\{%- comment -%\}.*?\{%- endcomment -%\}\n", "", RegexOptions.Singleline);
        withoutChange = Regex.Replace(withoutChange, @"\{%- comment -%\} CambApi:.*?\{%- comment -%\} /CambApi \{%- endcomment -%\}\n", "", RegexOptions.Singleline);
        withoutChange = InlineChanges.Aggregate(withoutChange, (text, change) => text.Replace(change.Ours, change.Original, StringComparison.Ordinal));

        Assert.That(withoutChange, Is.Not.EqualTo(ours), $"no marked change was found in {file}");
        Assert.That(withoutChange, Is.EqualTo(PackagedTemplate(packageAssembly, resourceSuffix)),
            $"NSwag's {file} differs from our copy without its marked changes: re-copy it from the package and re-apply them.");
    }

    [Test]
    public void The_extension_point_we_fill_is_empty_in_the_package() =>
        Assert.That(PackagedTemplate("NSwag.CodeGeneration.CSharp.dll", ".Templates.Client.Class.Body.liquid").Trim(), Is.Empty,
            "NSwag's Client.Class.Body.liquid is no longer empty: merge its content into ours.");

    private static string PackagedTemplate(string packageAssembly, string resourceSuffix)
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var dll = Path.Combine(root, "nswag.msbuild", NSwagVersion(), "tools", "Net100", packageAssembly);
        Assert.That(File.Exists(dll), Is.True, $"NSwag's tools are not at {dll}");
        var context = new AssemblyLoadContext("nswag-templates", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(dll);
            var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(resourceSuffix, StringComparison.Ordinal));
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            return reader.ReadToEnd().ReplaceLineEndings("\n"); // the package has CRLF; the repository keeps LF
        }
        finally
        {
            context.Unload();
        }
    }

    private static string NSwagVersion() =>
        Regex.Match(File.ReadAllText(Path.Combine(RepoRoot(), "Directory.Packages.props")), "Include=\"NSwag.MSBuild\" Version=\"([^\"]+)\"").Groups[1].Value;

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CambApi.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("CambApi.sln not found above the test directory");
    }
}
