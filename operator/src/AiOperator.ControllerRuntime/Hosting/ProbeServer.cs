using System.Net;
using System.Net.Sockets;
using System.Text;
using AiOperator.ControllerRuntime.Metrics;

namespace AiOperator.ControllerRuntime.Hosting;

/// <summary>
/// HTTP/1.1 endpoint for /healthz, /livez, /readyz and /metrics and nothing else: GET or HEAD, no request
/// body, one request per connection. Written on sockets rather than Kestrel because Kestrel, hosting and
/// routing cost the operator about 10 MB of resident memory for four fixed answers (docs/benchmarks.md).
/// Bounded like any input: request head 16 KiB, 10 s to send it, 32 connections at once.
/// </summary>
internal sealed class ProbeServer(
    IPAddress address,
    int port,
    Func<HealthReport> liveness,
    Func<CancellationToken, Task<HealthReport>> readiness,
    MetricsRegistry metrics,
    TimeProvider? timeProvider = null) : IAsyncDisposable
{
    internal const int MaxHeadBytes = 16 * 1024;
    internal const int MaxConnections = 32;
    internal static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly byte[] EndOfHead = "\r\n\r\n"u8.ToArray();

    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private TcpListener? _listener;
    private Task? _acceptLoop;

    public Uri? Address { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var listener = new TcpListener(address, port);
        listener.Start();
        _listener = listener;
        var bound = (IPEndPoint)listener.LocalEndpoint;
        var host = bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback : bound.Address;
        Address = new UriBuilder(Uri.UriSchemeHttp, host.ToString(), bound.Port).Uri;
        _acceptLoop = AcceptLoopAsync(listener, _stop.Token);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener?.Stop();
        if (_acceptLoop is { } loop)
        {
            await loop;
        }

        // Wait for connections still being answered (each is bounded by HeadTimeout).
        for (var i = 0; i < MaxConnections; i++)
        {
            await _slots.WaitAsync(CancellationToken.None);
        }

        _stop.Dispose();
        _slots.Dispose();
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before it was accepted, or the process out of descriptors: pause
                // briefly so a persistent error cannot spin a core, then accept again.
                try
                {
                    await Task.Delay(AcceptRetryDelay, timeProvider ?? TimeProvider.System, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            if (!_slots.Wait(0, CancellationToken.None))
            {
                // Over the connection cap: refuse rather than queue, so a flood cannot hold memory.
                socket.Dispose();
                continue;
            }

            _ = ServeAsync(socket, stop);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        try
        {
            using (socket)
            {
                using var timeout = new CancellationTokenSource(HeadTimeout, timeProvider ?? TimeProvider.System);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
                var (status, contentType, body, headOnly) = await AnswerAsync(socket, deadline.Token);
                await WriteResponseAsync(socket, status, contentType, body, headOnly, deadline.Token);
                socket.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Slow, reset or shut-down clients get nothing more; the server goes on.
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<(int Status, string ContentType, byte[] Body, bool HeadOnly)> AnswerAsync(Socket socket, CancellationToken cancellationToken)
    {
        var head = await ReadHeadAsync(socket, cancellationToken);
        if (head is null)
        {
            return (431, "text/plain", "request head over 16 KiB\n"u8.ToArray(), false);
        }

        var requestLine = head[..Math.Max(0, head.IndexOf("\r\n", StringComparison.Ordinal))].Split(' ');
        if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || !requestLine[1].StartsWith('/'))
        {
            return (400, "text/plain", "malformed request line\n"u8.ToArray(), false);
        }

        var (method, target) = (requestLine[0], requestLine[1]);
        if (method is not ("GET" or "HEAD"))
        {
            return (405, "text/plain", "only GET and HEAD\n"u8.ToArray(), false);
        }

        var path = target.Split('?', 2)[0];
        (int, string, string) answer;
        try
        {
            answer = path switch
            {
                "/healthz" or "/livez" => Verdict(liveness()),
                "/readyz" => Verdict(await readiness(cancellationToken)),
                "/metrics" => (200, "text/plain; version=0.0.4; charset=utf-8", metrics.Render()),
                _ => (404, "text/plain", $"{path} not found\n"),
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A check that throws is a failing check, not a dead endpoint.
            answer = (500, "text/plain", $"{path}: {e.GetType().Name}: {e.Message}\n");
        }

        var (status, contentType, text) = answer;
        return (status, contentType, Encoding.UTF8.GetBytes(text), method == "HEAD");
    }

    private static (int, string, string) Verdict(HealthReport report) =>
        (report.Healthy ? 200 : 500, "text/plain", report.Text);

    // Reads up to the blank line that ends the head; null when it is larger than MaxHeadBytes.
    private static async Task<string?> ReadHeadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
            {
                return null;
            }

            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("connection closed before the end of the request head");
            }

            var searchFrom = Math.Max(0, filled - (EndOfHead.Length - 1));
            filled += read;
            var end = buffer.AsSpan(searchFrom, filled - searchFrom).IndexOf(EndOfHead);
            if (end >= 0)
            {
                return Encoding.Latin1.GetString(buffer, 0, searchFrom + end + 2);
            }
        }
    }

    // HEAD gets the same head as GET (Content-Length included) and no body.
    private static async Task WriteResponseAsync(Socket socket, int status, string contentType, byte[] body, bool headOnly, CancellationToken cancellationToken)
    {
        var reason = status switch
        {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            431 => "Request Header Fields Too Large",
            _ => "Internal Server Error",
        };
        var allow = status == 405 ? "Allow: GET, HEAD\r\n" : string.Empty;
        var head = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n{allow}Cache-Control: no-store\r\nConnection: close\r\n\r\n");
        await socket.SendAsync(head, SocketFlags.None, cancellationToken);
        if (!headOnly && body.Length > 0)
        {
            await socket.SendAsync(body, SocketFlags.None, cancellationToken);
        }
    }
}
