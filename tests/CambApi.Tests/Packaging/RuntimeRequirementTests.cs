using System.Text.Json.Nodes;

namespace CambApi.Tests;

/// <summary>
/// What each shipped thing needs to run, as the README says it: a fleet worker runs on the .NET runtime alone (the
/// dashboard is its own package, as Hangfire.AspNetCore is beside Hangfire.Core); the <c>camb</c> tool needs the ASP.NET
/// Core runtime (its simulator and dashboard are ASP.NET Core apps; every .NET SDK has it).
/// </summary>
[TestFixture]
public sealed class RuntimeRequirementTests
{
    private static List<string> Frameworks(string runtimeConfig)
    {
        Assert.That(File.Exists(runtimeConfig), Is.True, $"{runtimeConfig} was not built");
        var options = JsonNode.Parse(File.ReadAllText(runtimeConfig))!["runtimeOptions"]!;
        var frameworks = options["frameworks"] is JsonArray many ? many.Select(f => f!) : [options["framework"]!];
        return frameworks.Select(f => (string)f["name"]!).Order(StringComparer.Ordinal).ToList();
    }

    [Test]
    public void A_fleet_worker_in_a_console_app_needs_the_dotnet_runtime_alone()
    {
        var app = Path.Combine(Commands.RepoRoot, "tests", "CambApi.FleetWorkerApp", "bin", BuildConfiguration, "net10.0", "CambApi.FleetWorkerApp.runtimeconfig.json");

        Assert.That(Frameworks(app), Is.EqualTo(new[] { "Microsoft.NETCore.App" }));
        Assert.That(typeof(CambApi.Fleet.CambFleet).Assembly.GetReferencedAssemblies().Select(a => a.Name), Has.None.StartsWith("Microsoft.AspNetCore"),
            "CambApi.Fleet references no ASP.NET Core assembly");
    }

    [Test]
    public void The_camb_tool_needs_the_aspnetcore_runtime_as_the_readme_says()
    {
        var camb = Path.Combine(TestContext.CurrentContext.TestDirectory, "camb.runtimeconfig.json");

        Assert.That(Frameworks(camb), Does.Contain("Microsoft.AspNetCore.App"));
        Assert.That(File.ReadAllText(Path.Combine(Commands.RepoRoot, "README.md")), Does.Contain("The `camb` tool needs the ASP.NET Core runtime"));
    }

    private static string BuildConfiguration =>
        Path.GetFileName(Path.GetDirectoryName(TestContext.CurrentContext.TestDirectory.TrimEnd(Path.DirectorySeparatorChar))!);
}
