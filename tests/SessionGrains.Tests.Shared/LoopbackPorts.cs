using System.Net;
using System.Net.Sockets;

namespace SessionGrains.Tests.Shared;

/// <summary>Ports for test servers and silos, so parallel test projects never collide on fixed ones.</summary>
public static class LoopbackPorts
{
    /// <summary>A TCP port free on 127.0.0.1 just now.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
