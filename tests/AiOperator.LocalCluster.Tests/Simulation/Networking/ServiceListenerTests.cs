using System.Net;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Networking;

using AiOperator.LocalCluster.Simulation.Networking;

public sealed class ServiceListenerTests
{
    [Fact]
    public async Task Connections_are_spread_round_robin_over_ready_backends()
    {
        var a = LoopbackAddressPool.Pods.Allocate();
        var b = LoopbackAddressPool.Pods.Allocate();
        var front = LoopbackAddressPool.Services.Allocate();
        using var backendA = new TcpListener(a, 0);
        using var backendB = new TcpListener(b, 0);
        backendA.Start();
        backendB.Start();
        var port = ((IPEndPoint)backendA.LocalEndpoint).Port;
        backendB.Stop();
        using var backendB2 = new TcpListener(b, port);
        backendB2.Start();
        using var cts = new CancellationTokenSource();
        var servers = new[] { Serve(backendA, "A", cts.Token), Serve(backendB2, "B", cts.Token) };
        var backends = new List<IPEndPoint> { new(a, port), new(b, port) };
        using var listener = new ServiceListener(new IPEndPoint(front, 18080), () => backends);
        listener.Start(cts.Token);

        var answers = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            answers.Add(await AskAsync(new IPEndPoint(front, 18080)));
        }

        Assert.Equal(3, answers.Count(x => x == "A"));
        Assert.Equal(3, answers.Count(x => x == "B"));
        Assert.All(answers.Zip(answers.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));

        // Without ready endpoints the connection is refused/closed instead of hanging.
        backends.Clear();
        Assert.Equal(string.Empty, await AskAsync(new IPEndPoint(front, 18080)));

        await cts.CancelAsync();
        foreach (var ip in new[] { a, b })
        {
            LoopbackAddressPool.Pods.Release(ip);
        }

        LoopbackAddressPool.Services.Release(front);
    }

    private static async Task<string> AskAsync(IPEndPoint endpoint)
    {
        using var client = new TcpClient(AddressFamily.InterNetwork);
        try
        {
            await client.ConnectAsync(endpoint);
            var stream = client.GetStream();
            await stream.WriteAsync("hi"u8.ToArray());
            client.Client.Shutdown(SocketShutdown.Send);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            return await reader.ReadToEndAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            // Reset by the proxy: no backend to forward to.
            return string.Empty;
        }
    }

    private static async Task Serve(TcpListener listener, string name, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(ct);
                var stream = client.GetStream();
                await stream.WriteAsync(Encoding.ASCII.GetBytes(name), ct);
                client.Client.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException)
        {
        }
    }
}
