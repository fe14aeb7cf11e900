using System.Buffers.Binary;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AiOperator.LocalCluster.ApiServer.PortForward;

// The portforward.k8s.io protocol (what the kubelet speaks) over one SPDY/3 connection: the client
// opens, per forwarded TCP connection, an "error" and a "data" stream with the same port and
// requestid headers. The server answers each SYN_STREAM, connects to the pod's port, copies bytes
// both ways on the data stream and reports a failure as text on the error stream.
internal sealed class PortForwardConnection(Stream transport, PortForwardTarget target) : IDisposable
{
    private const int CopyBuffer = 32 * 1024;
    private readonly SpdyFramer _framer = new(transport);
    private readonly Dictionary<uint, Pipe> _incoming = [];
    private readonly Dictionary<string, StreamPair> _pending = new(StringComparer.Ordinal);
    private readonly List<Task> _forwards = [];

    public async Task RunAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var headerReader = new SpdyHeaderReader();
        using var headerWriter = new SpdyHeaderWriter();
        try
        {
            while (await _framer.ReadAsync(stop.Token) is { } frame)
            {
                if (!frame.IsControl)
                {
                    await DeliverAsync(frame, stop.Token);
                    continue;
                }

                switch (frame.Type)
                {
                    case SpdyFrameType.SynStream:
                        await OpenStreamAsync(frame, headerReader, headerWriter, stop.Token);
                        break;
                    case SpdyFrameType.Ping:
                        await _framer.WriteControlAsync(SpdyFrameType.Ping, 0, frame.Payload, stop.Token);
                        break;
                    case SpdyFrameType.RstStream when frame.Payload.Length >= 4:
                        var id = BinaryPrimitives.ReadUInt32BigEndian(frame.Payload) & 0x7FFFFFFF;
                        if (_incoming.Remove(id, out var reset))
                        {
                            await reset.Writer.CompleteAsync(new IOException("stream reset by the client"));
                        }

                        break;
                    case SpdyFrameType.GoAway:
                        return;
                    default:
                        // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do for a port-forward server.
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is SpdyProtocolException or IOException or System.Net.WebSockets.WebSocketException or OperationCanceledException)
        {
            // The client broke the framing or went away: the forwarded connections end with it.
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var pipe in _incoming.Values)
            {
                await pipe.Writer.CompleteAsync();
            }

            try
            {
                await Task.WhenAll(_forwards);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or System.Net.WebSockets.WebSocketException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task DeliverAsync(SpdyFrame frame, CancellationToken ct)
    {
        if (!_incoming.TryGetValue(frame.StreamId, out var pipe))
        {
            return; // the error stream's (empty) close, or a stream already finished
        }

        if (frame.Payload.Length > 0)
        {
            await pipe.Writer.WriteAsync(frame.Payload, ct);
        }

        if (frame.Fin)
        {
            _incoming.Remove(frame.StreamId);
            await pipe.Writer.CompleteAsync();
        }
    }

    private async Task OpenStreamAsync(SpdyFrame frame, SpdyHeaderReader headerReader, SpdyHeaderWriter headerWriter, CancellationToken ct)
    {
        if (frame.Payload.Length < 10)
        {
            throw new SpdyProtocolException("SYN_STREAM shorter than its fixed fields");
        }

        var id = BinaryPrimitives.ReadUInt32BigEndian(frame.Payload) & 0x7FFFFFFF;
        var headers = await headerReader.ReadAsync(frame.Payload.AsMemory(10), ct);
        var block = headerWriter.Write([]);
        var synReply = new byte[4 + block.Length];
        BinaryPrimitives.WriteUInt32BigEndian(synReply, id);
        block.CopyTo(synReply, 4);
        await _framer.WriteControlAsync(SpdyFrameType.SynReply, 0, synReply, ct);

        var port = headers.GetValueOrDefault("port") ?? "";
        var key = (headers.GetValueOrDefault("requestid") ?? "") + "/" + port;
        if (!_pending.TryGetValue(key, out var pair))
        {
            pair = new StreamPair(port);
            _pending[key] = pair;
        }

        switch (headers.GetValueOrDefault("streamtype"))
        {
            case "error":
                pair.Error = id;
                break;
            case "data":
                pair.Data = id;
                _incoming[id] = pair.Incoming;
                break;
            default:
                var rst = new byte[8];
                BinaryPrimitives.WriteUInt32BigEndian(rst, id);
                BinaryPrimitives.WriteUInt32BigEndian(rst.AsSpan(4), 1); // PROTOCOL_ERROR
                await _framer.WriteControlAsync(SpdyFrameType.RstStream, 0, rst, ct);
                return;
        }

        if (pair is { Error: { } errorStream, Data: { } dataStream })
        {
            _pending.Remove(key);
            _forwards.Add(Task.Run(() => ForwardAsync(pair.Port, errorStream, dataStream, pair.Incoming, ct), CancellationToken.None));
        }
    }

    private async Task ForwardAsync(string portText, uint errorStream, uint dataStream, Pipe incoming, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        string? failure = null;
        if (!ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port == 0)
        {
            failure = $"invalid port header \"{portText}\": a port is 1-65535";
        }
        else
        {
            try
            {
                await socket.ConnectAsync(new IPEndPoint(target.PodIp, port), ct);
            }
            catch (SocketException ex)
            {
                failure = $"error forwarding port {port} to pod {target.Name}, uid {target.Uid}: failed to connect to {target.PodIp}:{port}: {ex.SocketErrorCode}";
            }
        }

        if (failure is not null)
        {
            await _framer.WriteDataAsync(errorStream, Encoding.UTF8.GetBytes(failure), fin: true, ct);
            await _framer.WriteDataAsync(dataStream, ReadOnlyMemory<byte>.Empty, fin: true, ct);
            await incoming.Reader.CompleteAsync();
            return;
        }

        var toPod = Task.Run(() => CopyToPodAsync(incoming.Reader, socket, ct), CancellationToken.None);
        var buffer = new byte[CopyBuffer];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                await _framer.WriteDataAsync(dataStream, buffer.AsMemory(0, read), fin: false, ct);
            }
        }
        catch (SocketException)
        {
            // The pod reset the connection: end the stream as if it had closed it.
        }

        // kubectl waits for the error stream to end once the pod's side is done.
        await _framer.WriteDataAsync(dataStream, ReadOnlyMemory<byte>.Empty, fin: true, ct);
        await _framer.WriteDataAsync(errorStream, ReadOnlyMemory<byte>.Empty, fin: true, ct);
        await toPod;
    }

    private static async Task CopyToPodAsync(PipeReader reader, Socket socket, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(ct);
                foreach (var segment in result.Buffer)
                {
                    await socket.SendAsync(segment, SocketFlags.None, ct);
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A reset stream or a closed pod connection ends this direction.
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    public void Dispose() => _framer.Dispose();

    private sealed class StreamPair(string port)
    {
        public string Port { get; } = port;

        public uint? Error { get; set; }

        public uint? Data { get; set; }

        public Pipe Incoming { get; } = new();
    }
}
