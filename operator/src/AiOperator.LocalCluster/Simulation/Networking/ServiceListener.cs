using System.Net;
using System.Net.Sockets;

namespace AiOperator.LocalCluster.Simulation.Networking;

// One clusterIP:port. Backends are looked up per connection so readiness changes apply at once.
internal sealed class ServiceListener(IPEndPoint endpoint, Func<List<IPEndPoint>> backendsNow) : IDisposable
{
    private readonly TcpListener _listener = new(endpoint);
    private readonly CancellationTokenSource _stop = new();
    private int _next = -1;

    public void Start(CancellationToken stopping)
    {
        _listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Start();
        var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _stop.Token);
        _ = AcceptLoopAsync(linked);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync(CancellationTokenSource linked)
    {
        using (linked)
        {
            while (!linked.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(linked.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                _ = ForwardAsync(client, linked.Token);
            }
        }
    }

    private async Task ForwardAsync(TcpClient inbound, CancellationToken ct)
    {
        using (inbound)
        {
            var backends = backendsNow();
            if (backends.Count == 0)
            {
                // Like kube-proxy with no endpoints: refuse rather than hang.
                inbound.Client.LingerState = new LingerOption(true, 0);
                return;
            }

            var target = backends[(int)((uint)Interlocked.Increment(ref _next) % (uint)backends.Count)];
            using var outbound = new TcpClient(AddressFamily.InterNetwork);
            try
            {
                await outbound.ConnectAsync(target, ct);
                await using var a = inbound.GetStream();
                await using var b = outbound.GetStream();
                var up = PumpAsync(a, b, outbound.Client, ct);
                var down = PumpAsync(b, a, inbound.Client, ct);
                await Task.WhenAll(up, down);
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                inbound.Client.LingerState = new LingerOption(true, 0);
            }
        }
    }

    // Copies one direction, then half-closes so HTTP/1.0-style "close after request" works.
    private static async Task PumpAsync(Stream from, Stream to, Socket toSocket, CancellationToken ct)
    {
        try
        {
            await from.CopyToAsync(to, ct);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            try
            {
                toSocket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception inner) when (inner is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
