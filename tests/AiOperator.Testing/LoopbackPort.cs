using System.Net;
using System.Net.Sockets;

namespace AiOperator.Testing;

/// <summary>
/// A loopback port for a process a test starts and tells which port to listen on. Asking the kernel for
/// port 0 returns one from the ephemeral range, which any outgoing connection (of a parallel test, of the
/// local cluster) may take before the process binds it: CI lost a run to exactly that. A port below the
/// ephemeral range is never handed out to outgoing connections, so only another test's choice could
/// collide, and the random pick makes that unlikely; callers that can retry on "address in use" should.
/// </summary>
public static class LoopbackPort
{
    // Below Linux's default ephemeral range (32768-60999) and above well-known and commonly registered ports.
    private const int First = 20000;
    private const int End = 32768;

    public static int Free()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(First, End);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                // Taken: try another.
            }
        }

        throw new InvalidOperationException($"no free loopback port in {First}-{End - 1} after 100 tries");
    }
}
