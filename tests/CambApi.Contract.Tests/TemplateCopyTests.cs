using System.Runtime.Loader;
using System.Text.RegularExpressions;

namespace CambApi.Contract.Tests;

/// <summary>
/// Our Templates/Class.liquid is a copy of the template inside the pinned NSwag package with one marked change. An NSwag
/// upgrade that changes the original must fail here, not keep generating from a stale copy.
/// </summary>
[TestFixture]
public sealed class ClassTemplateTests
{
    [Test]
    public void Class_template_is_the_packaged_one_plus_the_marked_change()
    {
        var ours = File.ReadAllText(Path.Combine(RepoRoot(), "src", "CambApi.Client", "Templates", "Class.liquid")).ReplaceLineEndings("\n");
        var withoutChange = Regex.Replace(ours, @"\A\{%- comment -%\}.*?\{%- endcomment -%\}\n", "", RegexOptions.Singleline);
        withoutChange = Regex.Replace(withoutChange, @"\{%- comment -%\} CambApi:.*?\{%- comment -%\} /CambApi \{%- endcomment -%\}\n", "", RegexOptions.Singleline)
            .Replace("{{ csharpName }}", "{{ property.PropertyName }}", StringComparison.Ordinal);

        Assert.That(withoutChange, Is.Not.EqualTo(ours), "the marked change was not found in Class.liquid");
        Assert.That(withoutChange, Is.EqualTo(PackagedClassTemplate()),
            "NSwag's Class.liquid differs from our copy without its marked change: re-copy it from the package and re-apply the change.");
    }

    private static string PackagedClassTemplate()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var dll = Path.Combine(root, "nswag.msbuild", NSwagVersion(), "tools", "Net100", "NJsonSchema.CodeGeneration.CSharp.dll");
        Assert.That(File.Exists(dll), Is.True, $"NSwag's tools are not at {dll}");
        var context = new AssemblyLoadContext("nswag-templates", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(dll);
            var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Templates.Class.liquid", StringComparison.Ordinal));
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
