using CambApi.Client;
using WireMock.Server;

namespace CambApi.Contract.Tests;

/// <summary>
/// A WireMock server on a dynamic loopback port standing in for the API under <c>/apis/</c>, with a client
/// made the way users make one. One per fixture; mappings and logs are reset before each test.
/// </summary>
public abstract class ApiStubFixture
{
    /// <summary>A plausible key that never appears in any output (asserted by the tests).</summary>
    protected const string Key = "test-key-0f4c2a9e7d";

    protected WireMockServer Server { get; private set; } = null!;

    protected CambApiRestClient Client { get; private set; } = null!;

    protected Uri BaseAddress => new(Server.Url! + "/apis/");

    [OneTimeSetUp]
    public void StartServer()
    {
        Server = WireMockServer.Start();
        Client = CambApiRestClient.Create(Key, BaseAddress);
    }

    [SetUp]
    public void ResetServer() => Server.Reset();

    [OneTimeTearDown]
    public void StopServer()
    {
        Server.Dispose();
        Client = null!;
    }
}
