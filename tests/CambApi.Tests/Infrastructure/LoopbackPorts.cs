using System.Net;
using System.Net.Sockets;

namespace CambApi.Tests;

/// <summary>A loopback port nothing listens on at the moment of asking (a server to start there, or an address that refuses).</summary>
internal static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
