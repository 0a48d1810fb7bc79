using System.Text.Json.Nodes;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CambApi.Tests;

/// <summary>
/// <c>camb</c> talking to the real service never loads the simulator (nor ASP.NET Core with it): run as a process from a
/// copy of its build output with CambApi.Simulator removed — the assembly and its entries in camb.deps.json — it
/// uploads to an API (WireMock here) and reports the answer; <c>--simulate</c> from the same copy fails, which shows
/// the copy really lacks the simulator.
/// </summary>
[TestFixture]
public sealed class CliProcessTests
{
    private string _dir = null!;
    private string _camb = null!;
    private WireMockServer _api = null!;

    [OneTimeSetUp]
    public void CopyCambWithoutTheSimulator()
    {
        _dir = Directory.CreateTempSubdirectory("camb-nosim-").FullName;
        // The CLI's own output sits where this test's does, under src/CambApi.Cli instead of tests/CambApi.Tests.
        var built = TestContext.CurrentContext.TestDirectory.Replace(
            Path.Combine("tests", "CambApi.Tests"), Path.Combine("src", "CambApi.Cli"), StringComparison.Ordinal);
        var app = Path.Combine(_dir, "app");
        Directory.CreateDirectory(app);
        foreach (var file in Directory.GetFiles(built).Where(f => !Path.GetFileName(f).StartsWith("CambApi.Simulator.", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        }

        var depsPath = Path.Combine(app, "camb.deps.json");
        var deps = JsonNode.Parse(File.ReadAllText(depsPath))!;
        foreach (var (_, target) in deps["targets"]!.AsObject())
        {
            foreach (var (_, package) in target!.AsObject())
            {
                package!["dependencies"]?.AsObject().Remove("CambApi.Simulator");
            }

            foreach (var key in target.AsObject().Select(p => p.Key).Where(k => k.StartsWith("CambApi.Simulator/", StringComparison.Ordinal)).ToList())
            {
                target.AsObject().Remove(key);
            }
        }

        foreach (var key in deps["libraries"]!.AsObject().Select(p => p.Key).Where(k => k.StartsWith("CambApi.Simulator/", StringComparison.Ordinal)).ToList())
        {
            deps["libraries"]!.AsObject().Remove(key);
        }

        File.WriteAllText(depsPath, deps.ToJsonString());
        _camb = Path.Combine(app, "camb.dll");
        File.WriteAllBytes(Path.Combine(_dir, "take.wav"), TestAudio.Wav());
        _api = WireMockServer.Start();
        _api.Given(Request.Create().WithPath("/apis/audio-separation").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json").WithBody("""{"detail":"Invalid API key"}"""));
    }

    [OneTimeTearDown]
    public void Remove()
    {
        _api.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public void Separating_against_the_service_runs_without_the_simulator_assembly()
    {
        Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(_camb)!, "CambApi.Simulator.dll")), Is.False);

        var (exit, output) = Commands.Run("dotnet", _camb, "separate", Path.Combine(_dir, "take.wav"), "--out", Path.Combine(_dir, "out"),
            "--base-url", _api.Url + "/apis/", "--api-key", "k-test-1");

        Assert.That(output, Does.Contain("camb: take.wav: the service refused the API key (HTTP 401)").And.Not.Contain("CambApi.Simulator"), output);
        Assert.That(exit, Is.EqualTo(1), output);
    }

    [Test]
    public void The_copy_really_lacks_the_simulator()
    {
        var (exit, output) = Commands.Run("dotnet", _camb, "separate", Path.Combine(_dir, "take.wav"), "--out", Path.Combine(_dir, "sim"), "--simulate");

        Assert.That(exit, Is.Not.Zero, output);
        Assert.That(Directory.Exists(Path.Combine(_dir, "sim")) ? Directory.GetFiles(Path.Combine(_dir, "sim"), "*.wav") : [], Is.Empty);
    }
}
