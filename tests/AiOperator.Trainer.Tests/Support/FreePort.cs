using System.Net;
using System.Net.Sockets;

namespace AiOperator.Trainer.Tests.Support;

/// <summary>A loopback port free right now, for trainer processes that take MASTER_PORT from their environment.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
