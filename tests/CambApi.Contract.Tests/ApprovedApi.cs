using System.Text.RegularExpressions;
using Newtonsoft.Json;
using PublicApiGenerator;
using Snapshooter.NUnit;

namespace CambApi.Contract.Tests;

/// <summary>
/// The approval gate for public surfaces: the surface (PublicApiGenerator, one line per entry) must equal its approved
/// snapshot. On a difference the failure names each changed member with its type and the one command that approves
/// it (build/approve-api.sh, which lets Snapshooter write the new snapshot).
/// </summary>
internal static partial class ApprovedApi
{
    public const string ApproveCommand = "bash build/approve-api.sh";

    public static string[] Of(System.Reflection.Assembly assembly) =>
        ShowVirtualProperties(assembly, assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute", "System.Runtime.CompilerServices.InternalsVisibleToAttribute"],
            // PublicApiGenerator skips Microsoft.* namespaces by default; AddCambApi and AddCambFleet live in the DI namespace
            // and UseCambFleetDashboard in ASP.NET Core's (as the frameworks' own extensions do): public surface like any other.
            AllowNamespacePrefixes = ["Microsoft.Extensions.DependencyInjection", "Microsoft.AspNetCore.Builder"],
        }).ReplaceLineEndings("\n").Split('\n'));

    /// <summary>
    /// The properties a consumer can override, in every public type: overridable getter, and a type a consumer can derive from.
    /// </summary>
    internal static IEnumerable<(Type Type, System.Reflection.PropertyInfo Property)> OverridableProperties(System.Reflection.Assembly assembly) =>
        from type in assembly.GetExportedTypes()
        where type is { IsClass: true, IsSealed: false }
        from property in type.GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
        where property.GetMethod is { IsVirtual: true, IsFinal: false, IsAbstract: false } getter && (getter.IsPublic || getter.IsFamily) &&
              getter.GetBaseDefinition() == getter // declared here, not an override
        select (type, property);

    /// <summary>
    /// PublicApiGenerator leaves <c>virtual</c> off a property whose setter is not public (<c>{ get; private set; }</c>), so
    /// the approved surface under-stated what a consumer can mock. Each such line gets it back; VirtualMembersTests fails if
    /// one is still missing.
    /// </summary>
    private static string[] ShowVirtualProperties(System.Reflection.Assembly assembly, string[] lines)
    {
        foreach (var (type, property) in OverridableProperties(assembly))
        {
            var (from, to) = TypeBlock(lines, type);
            for (var i = from; i < to; i++)
            {
                if (Regex.IsMatch(lines[i], $@"^\s+(public|protected) (?!virtual |override |abstract )[^(]* {Regex.Escape(property.Name)} \{{"))
                {
                    lines[i] = Regex.Replace(lines[i], @"^(\s+(public|protected) )", "$1virtual ");
                }
            }
        }

        return lines;
    }

    /// <summary>The lines of <paramref name="type"/>'s block: its declaration up to its closing brace (same indentation).</summary>
    internal static (int From, int To) TypeBlock(string[] lines, Type type)
    {
        var name = type.Name.Split('`')[0];
        for (var i = 0; i < lines.Length; i++)
        {
            if (TypeDeclaration().Match(lines[i].Trim()) is { Success: true } m && m.Groups["name"].Value.Split('<')[0].Trim() == name)
            {
                var indent = lines[i].Length - lines[i].TrimStart().Length;
                var end = Array.FindIndex(lines, i + 1, l => l.Length > indent && l[indent] == '}' && l.Trim() == "}" && l.Length - l.TrimStart().Length == indent);
                return (i, end < 0 ? lines.Length : end);
            }
        }

        return (0, 0);
    }

    public static void Match(string[] surface, string what, string cause)
    {
        var name = Snapshot.FullName();
        var approvedPath = Path.Combine(name.FolderPath, "__snapshots__", name.Filename);
        var approved = File.Exists(approvedPath) ? JsonConvert.DeserializeObject<string[]>(File.ReadAllText(approvedPath)) : null;
        if (approved is null || approved.SequenceEqual(surface))
        {
            Snapshot.Match(surface); // equal, or no snapshot yet: Snapshooter's own rules (strict mode fails in CI)
            return;
        }

        // Not Snapshot.Match here: it fails through NUnit first, with a character-offset message that would hide
        // this one, which names the members. The approve command re-creates the snapshot with Snapshooter itself.

        var changes = Describe(approved, surface);
        Assert.Fail(
            $"{what}'s public API changed ({cause}):\n" +
            string.Join('\n', changes.Take(40).Select(c => "  " + c)) +
            (changes.Count > 40 ? $"\n  ... and {changes.Count - 40} more" : "") +
            $"\nReview the change (openapi/CHANGES.md, build/spec-diff.sh), then approve it once with: {ApproveCommand}");
    }

    /// <summary>Lines only in one version, each with the type it belongs to: "- AudioSeparationRunInfoResponse: public string? X { get; set; }".</summary>
    internal static List<string> Describe(IReadOnlyList<string> approved, IReadOnlyList<string> current)
    {
        var before = Owned(approved);
        var after = Owned(current);
        var removed = before.ToList();
        var added = new List<string>();
        foreach (var line in after)
        {
            if (!removed.Remove(line))
            {
                added.Add(line);
            }
        }

        return [.. removed.Select(l => "- " + l), .. added.Select(l => "+ " + l)];
    }

    /// <summary>Each member line prefixed by its type's name; type declaration lines as they are.</summary>
    private static List<string> Owned(IReadOnlyList<string> lines)
    {
        var owner = "";
        var result = new List<string>();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line is "" or "{" or "}" || line.StartsWith("namespace ", StringComparison.Ordinal))
            {
                continue;
            }

            if (TypeDeclaration().Match(line) is { Success: true } type)
            {
                owner = type.Groups["name"].Value;
                result.Add(line);
            }
            else
            {
                result.Add($"{owner}: {line}");
            }
        }

        return result;
    }

    [GeneratedRegex(@"^(public|protected)[\w\s]* (class|struct|interface|enum|record|record struct|delegate) (?<name>[\w`<>,\s]+?)(\s*:|\s*\(|$)")]
    private static partial Regex TypeDeclaration();
}
