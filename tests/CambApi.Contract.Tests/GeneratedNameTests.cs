using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace CambApi.Contract.Tests;

/// <summary>
/// No type we ship has the name of a type in a namespace consumers import anyway (the SDKs' implicit usings, and the
/// main namespaces of the packages this solution uses): such a name makes every file with both usings ambiguous
/// (CS0104). NSwag's generic names (<c>Response</c> for an inline body) did exactly that next to WireMock's.
/// </summary>
[TestFixture]
public sealed class GeneratedNameTests
{
    /// <summary>The implicit usings of Microsoft.NET.Sdk and Microsoft.NET.Sdk.Web, and the packages' own namespaces.</summary>
    private static readonly HashSet<string> CommonlyImported = new(StringComparer.Ordinal)
    {
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
        "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
        "System.Net", "System.Text.Json", "Newtonsoft.Json", "NUnit.Framework",
        "WireMock.RequestBuilders", "WireMock.ResponseBuilders", "WireMock.Server",
    };

    private static readonly Lazy<ILookup<string, string>> Known = new(KnownTypes);

    [Test]
    public void No_type_we_ship_shares_a_name_with_a_commonly_imported_type()
    {
        var ours = new[] { typeof(CambApiRestClient).Assembly, typeof(AudioSeparationClient).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => !t.IsNested)
            .Select(t => t.Name);

        Assert.That(Collisions(ours), Is.Empty, "rename these (for a generated type: SpecNormalizer names inline schemas and renames clashing ones)");
    }

    /// <summary>The check itself finds the names that did clash, with the type they clash with.</summary>
    [Test]
    public void The_check_finds_a_clash_with_its_namespace()
    {
        Assert.That(Collisions(["Response", "Task", "SeparationStatus", "Request"]), Is.EquivalentTo(new[]
        {
            "Response (also WireMock.ResponseBuilders.Response)",
            "Task (also System.Threading.Tasks.Task)",
            "Request (also WireMock.RequestBuilders.Request)",
        }));
    }

    private static List<string> Collisions(IEnumerable<string> names) =>
        names.Distinct().Where(n => Known.Value.Contains(n)).Select(n => $"{n} (also {string.Join(", ", Known.Value[n].Order(StringComparer.Ordinal))})").ToList();

    /// <summary>
    /// Public top-level types of the shared frameworks and of the packages next to this test, read from metadata
    /// (nothing loaded): the ASP.NET Core framework is not a reference of this project, and must not have to be.
    /// </summary>
    private static ILookup<string, string> KnownTypes()
    {
        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var aspNet = Directory.GetDirectories(Path.Combine(runtime, "..", "..", "Microsoft.AspNetCore.App"))
            .OrderByDescending(d => d, StringComparer.Ordinal).First();
        var assemblies = Directory.GetFiles(runtime, "*.dll")
            .Concat(Directory.GetFiles(aspNet, "*.dll"))
            .Concat(Directory.GetFiles(TestContext.CurrentContext.TestDirectory, "*.dll").Where(f => !Path.GetFileName(f).StartsWith("CambApi", StringComparison.Ordinal)));

        var types = new List<(string Name, string FullName)>();
        foreach (var file in assemblies)
        {
            using var pe = new PEReader(File.OpenRead(file));
            if (!pe.HasMetadata)
            {
                continue; // a native library
            }

            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.TypeDefinitions)
            {
                var type = metadata.GetTypeDefinition(handle);
                var ns = metadata.GetString(type.Namespace);
                if ((type.Attributes & System.Reflection.TypeAttributes.VisibilityMask) == System.Reflection.TypeAttributes.Public && CommonlyImported.Contains(ns))
                {
                    var name = metadata.GetString(type.Name).Split('`')[0];
                    types.Add((name, $"{ns}.{name}"));
                }
            }
        }

        return types.Distinct().ToLookup(t => t.Name, t => t.FullName, StringComparer.Ordinal);
    }
}
