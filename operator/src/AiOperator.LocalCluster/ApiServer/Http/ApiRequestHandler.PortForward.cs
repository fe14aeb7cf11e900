using System.Net;
using System.Net.WebSockets;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.PortForward;
using AiOperator.LocalCluster.ApiServer.Resources;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AiOperator.LocalCluster.ApiServer.Http;

// pods/portforward. kubectl 1.30+ first opens a WebSocket whose subprotocol tunnels SPDY/3.1
// ("SPDY/3.1+portforward.k8s.io"); when that is refused it falls back to the legacy HTTP upgrade to
// SPDY/3.1 with stream protocol portforward.k8s.io. Both carry the same SPDY session.
internal sealed partial class ApiRequestHandler
{
    public const string PortForwardProtocol = "portforward.k8s.io";
    public const string TunneledPortForwardProtocol = "SPDY/3.1+" + PortForwardProtocol;

    private readonly CancellationTokenSource _shutdown = new();

    /// <summary>Ends every open port-forward session (the server is stopping).</summary>
    public void StopStreaming() => _shutdown.Cancel();

    public void Dispose() => _shutdown.Dispose();

    private async Task HandlePortForwardAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        var pod = _registry.Get(type, info.Namespace, info.Name).Object;
        var target = PortForwardTargetFor(pod, info);
        var upgrade = ctx.Features.Get<IHttpUpgradeFeature>();
        var upgradeTo = ctx.Request.Headers.Upgrade.ToString();
        if (upgrade is not { IsUpgradableRequest: true })
        {
            throw ApiErrors.BadRequest($"Upgrade request required: port-forward needs a WebSocket ({TunneledPortForwardProtocol}) or SPDY/3.1 upgrade");
        }

        using var session = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _shutdown.Token);
        if (upgradeTo.Equals("websocket", StringComparison.OrdinalIgnoreCase))
        {
            // The handshake is done here: .NET's WebSocket accept rejects a subprotocol with '/' in it.
            var offered = ctx.Request.Headers.SecWebSocketProtocol.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
            var key = ctx.Request.Headers.SecWebSocketKey.ToString();
            if (!offered.Contains(TunneledPortForwardProtocol))
            {
                throw ApiErrors.BadRequest($"unsupported port-forward subprotocols [{string.Join(", ", offered)}]: this server tunnels {TunneledPortForwardProtocol}");
            }

            if (key.Length == 0 || ctx.Request.Headers.SecWebSocketVersion.ToString() != "13")
            {
                throw ApiErrors.BadRequest("a WebSocket upgrade needs Sec-WebSocket-Key and Sec-WebSocket-Version: 13");
            }

            ctx.Response.Headers.Connection = "Upgrade";
            ctx.Response.Headers.Upgrade = "websocket";
            ctx.Response.Headers.SecWebSocketAccept = WebSocketAccept(key);
            ctx.Response.Headers.SecWebSocketProtocol = TunneledPortForwardProtocol;
            await using var raw = await upgrade.UpgradeAsync();
            using var socket = WebSocket.CreateFromStream(raw, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.FromSeconds(30) });
            await using (var stream = WebSocketStream.Create(socket, WebSocketMessageType.Binary, ownsWebSocket: false))
            {
                using var tunneled = new PortForwardConnection(stream, target);
                await tunneled.RunAsync(session.Token);
            }

            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                try
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                }
                catch (Exception ex) when (ex is IOException or WebSocketException)
                {
                }
            }

            return;
        }

        if (!upgradeTo.Contains("SPDY/3.1", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiErrors.BadRequest($"unsupported upgrade \"{upgradeTo}\": port-forward speaks websocket ({TunneledPortForwardProtocol}) or SPDY/3.1");
        }

        var requested = ctx.Request.Headers["X-Stream-Protocol-Version"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries)).ToList();
        if (requested.Count > 0 && !requested.Contains(PortForwardProtocol))
        {
            throw ApiErrors.BadRequest($"unable to upgrade: unable to negotiate protocol: client supports [{string.Join(", ", requested)}], server supports [{PortForwardProtocol}]");
        }

        ctx.Response.Headers.Connection = "Upgrade";
        ctx.Response.Headers.Upgrade = "SPDY/3.1";
        ctx.Response.Headers["X-Stream-Protocol-Version"] = PortForwardProtocol;
        await using var opaque = await upgrade.UpgradeAsync();
        using var connection = new PortForwardConnection(opaque, target);
        await connection.RunAsync(session.Token);
    }

    // RFC 6455 section 4.2.2: base64(SHA-1(key + the protocol's GUID)); SHA-1 is the protocol's, not a security choice.
#pragma warning disable CA5350
    private static string WebSocketAccept(string key) =>
        Convert.ToBase64String(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
#pragma warning restore CA5350

    private PortForwardTarget PortForwardTargetFor(System.Text.Json.Nodes.JsonObject pod, RequestInfo info)
    {
        var phase = pod.Obj("status").Str("phase") ?? "Pending";
        var podIp = pod.Obj("status").Str("podIP");
        if (phase != "Running" || !IPAddress.TryParse(podIp, out var address))
        {
            throw ApiErrors.BadRequest($"unable to upgrade connection: pod {info.Name} is not running (phase {phase})");
        }

        var images = (pod.Obj("spec").Arr("containers") ?? []).Select(c => c.Str("image") ?? "").ToList();
        var forwarder = _portForwarder() ?? throw ApiErrors.BadRequest(
            $"unable to upgrade connection: pod {info.Name} has no kubelet to forward to (an API server without the simulated cluster)");
        if (forwarder.WhyUnreachable(info.Namespace, info.Name, images) is { } reason)
        {
            throw ApiErrors.BadRequest($"unable to upgrade connection: {reason}");
        }

        return new PortForwardTarget(info.Namespace, info.Name, pod.Uid(), address);
    }
}
