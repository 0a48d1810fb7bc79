using System.Reflection;
using System.Runtime.CompilerServices;
using System.Xml.Linq;
using CambApi.Client;

namespace CambApi.Contract.Tests;

/// <summary>
/// Every public member of the shipped client has XML docs. The hand-written assemblies are held to it by CS1591; the
/// generated file turns CS1591 off itself (NSwag's file header), so this test holds the generated client to it instead:
/// property docs come from the spec (descriptions, else titles, via the normalizer), type docs from Custom/TypeDocs.cs.
/// </summary>
[TestFixture]
public sealed class DocCoverageTests
{
    /// <summary>
    /// Members written by NSwag's main client and file templates, which have no doc hook short of forking them (the
    /// choice made for performance too, see CONTRIBUTING "How generation works"). Each is plumbing, not an API a caller uses.
    /// </summary>
    private static readonly HashSet<string> UndocumentableNSwagMembers =
    [
        "M:CambApi.Client.CambApiRestClient.#ctor",
        "P:CambApi.Client.CambApiRestClient.JsonSerializerSettings",
        "T:CambApi.Client.CambApiRestClient.ObjectResponseResult`1",
        "M:CambApi.Client.CambApiRestClient.ObjectResponseResult`1.#ctor",
        "P:CambApi.Client.CambApiRestClient.ObjectResponseResult`1.Object",
        "P:CambApi.Client.CambApiRestClient.ObjectResponseResult`1.Text",
        "M:CambApi.Client.FileParameter.#ctor",
        "P:CambApi.Client.FileParameter.Data",
        "P:CambApi.Client.FileParameter.FileName",
        "P:CambApi.Client.FileParameter.ContentType",
    ];

    [Test]
    public void Every_public_member_of_the_client_is_documented()
    {
        var assembly = typeof(CambApiRestClient).Assembly;
        var xml = Path.ChangeExtension(assembly.Location, ".xml");
        Assert.That(File.Exists(xml), Is.True, $"no documentation file next to {assembly.Location}");
        var documented = XDocument.Load(xml).Descendants("member")
            .Where(m => m.Elements().Any(e => e.Value.Trim().Length > 0 || e.Name == "inheritdoc"))
            .Select(m => Normalize(m.Attribute("name")!.Value)).ToHashSet(StringComparer.Ordinal);

        var missing = PublicSurface(assembly).Where(id => !documented.Contains(id) && !UndocumentableNSwagMembers.Contains(id)).Order().ToList();

        Assert.That(missing, Is.Empty, "public members without XML docs (add a description in the spec via the normalizer, a partial in Custom/, or a doc in our templates)");
        Assert.That(UndocumentableNSwagMembers.Where(id => documented.Contains(id)), Is.Empty, "documented now: take it off the exception list");
    }

    /// <summary>Doc ids without parameter lists, so overloads count once (every overload of a name must then be documented alike).</summary>
    private static string Normalize(string id) => id.Split('(')[0];

    private static IEnumerable<string> PublicSurface(Assembly assembly)
    {
        foreach (var type in assembly.GetExportedTypes())
        {
            var typeId = type.FullName!.Replace('+', '.');
            yield return "T:" + typeId;
            const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(flags))
            {
                if (!IsVisible(member) || member.IsDefined(typeof(CompilerGeneratedAttribute)) || type.IsEnum && member.Name == "value__")
                {
                    continue;
                }

                switch (member)
                {
                    case ConstructorInfo ctor when ctor.GetParameters().Length == 0 && type.GetConstructors(flags).Length == 1:
                        break; // the implicit default constructor C# gives a type that declares none (CS1591 does not ask either)
                    case ConstructorInfo:
                        yield return $"M:{typeId}.#ctor";
                        break;
                    case MethodInfo { IsSpecialName: false } method: // a record's synthesized members are [CompilerGenerated]
                        yield return $"M:{typeId}.{method.Name}" + (method.IsGenericMethod ? $"``{method.GetGenericArguments().Length}" : "");
                        break;
                    case PropertyInfo property:
                        yield return $"P:{typeId}.{property.Name}";
                        break;
                    case FieldInfo field:
                        yield return $"F:{typeId}.{field.Name}";
                        break;
                    case EventInfo e:
                        yield return $"E:{typeId}.{e.Name}";
                        break;
                    case TypeInfo nested when nested.IsNestedPublic || nested.IsNestedFamily:
                        yield return $"T:{nested.FullName!.Replace('+', '.')}";
                        foreach (var inner in NestedMembers(nested))
                        {
                            yield return inner;
                        }

                        break;
                }
            }
        }
    }

    private static IEnumerable<string> NestedMembers(Type nested)
    {
        var id = nested.FullName!.Replace('+', '.');
        foreach (var ctor in nested.GetConstructors())
        {
            yield return $"M:{id}.#ctor";
        }

        foreach (var property in nested.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
        {
            yield return $"P:{id}.{property.Name}";
        }
    }

    private static bool IsVisible(MemberInfo member) => member switch
    {
        MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
        PropertyInfo p => (p.GetMethod ?? p.SetMethod) is { } accessor && IsVisible(accessor),
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        EventInfo e => e.AddMethod is { } add && IsVisible(add),
        Type t => t.IsNestedPublic || t.IsNestedFamily || t.IsNestedFamORAssem,
        _ => false,
    };
}
