using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

/// <summary>
/// A kubelet gRPC probe: grpc.health.v1.Health/Check over cleartext HTTP/2 (prior knowledge), succeeding only on
/// SERVING, with the kubelet's own failure texts. The two messages are a single field each, so they are written and
/// read here rather than through a gRPC client library.
/// </summary>
internal static class GrpcHealthProbe
{
    /// <summary>The most of an answer read: a HealthCheckResponse is a few bytes.</summary>
    private const int MaxResponseBytes = 16 * 1024;

    private static readonly string[] StatusNames = ["UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"];

    // Go's names of the gRPC codes, as the kubelet prints them ("rpc error: code = NotFound desc = ...").
    private static readonly string[] CodeNames =
    [
        "OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound", "AlreadyExists", "PermissionDenied",
        "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated",
    ];

    /// <summary>Null when the service answered SERVING; otherwise why the probe failed.</summary>
    public static async Task<string?> CheckAsync(HttpClient http, string host, int port, string service, int timeoutSeconds, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"http://{host}:{port}/grpc.health.v1.Health/Check"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(Frame(service)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.UserAgent.ParseAdd("kube-probe/1.32");

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex) when (ex.InnerException is SocketException or IOException || ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return $"timeout: failed to connect service \"{host}:{port}\" within {timeoutSeconds}s: {ex.Message}";
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"error: health rpc probe failed: rpc error: code = Unknown desc = unexpected HTTP status code received from server: {(int)response.StatusCode}";
            }

            var body = await ReadBoundedAsync(response, ct);
            // A trailers-only answer (every error Kestrel's gRPC gives) carries grpc-status in the headers.
            var code = Header(response.TrailingHeaders, "grpc-status") ?? Header(response.Headers, "grpc-status");
            if (code is null || !int.TryParse(code, out var status))
            {
                return "error: health rpc probe failed: rpc error: code = Internal desc = server closed the stream without sending trailers";
            }

            if (status != 0)
            {
                var message = Uri.UnescapeDataString(Header(response.TrailingHeaders, "grpc-message") ?? Header(response.Headers, "grpc-message") ?? "");
                var name = status < CodeNames.Length ? CodeNames[status] : $"Code({status})";
                return name == "Unimplemented"
                    ? $"this server does not implement the grpc health protocol (grpc.health.v1.Health): {message}"
                    : $"error: health rpc probe failed: rpc error: code = {name} desc = {message}";
            }

            var serving = ServingStatus(body);
            return serving switch
            {
                1 => null,
                null => "error: health rpc probe failed: rpc error: code = Internal desc = the answer is not a HealthCheckResponse",
                _ => $"service unhealthy (responded with \"{(serving < StatusNames.Length ? StatusNames[serving.Value] : serving.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}\")",
            };
        }
    }

    /// <summary>One gRPC message frame (uncompressed) of HealthCheckRequest { service = 1 }.</summary>
    internal static byte[] Frame(string service)
    {
        var name = Encoding.UTF8.GetBytes(service);
        var message = new List<byte>();
        if (name.Length > 0)
        {
            message.Add(0x0A);   // field 1, length-delimited
            for (var n = (uint)name.Length; ; n >>= 7)
            {
                message.Add((byte)(n < 0x80 ? n : (n & 0x7F) | 0x80));
                if (n < 0x80)
                {
                    break;
                }
            }

            message.AddRange(name);
        }

        var frame = new byte[5 + message.Count];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Count);
        message.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>HealthCheckResponse.status (field 1, a varint) from one uncompressed frame; 0 when absent; null when malformed.</summary>
    internal static int? ServingStatus(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < 5 || frame[0] != 0 || BinaryPrimitives.ReadUInt32BigEndian(frame[1..]) != frame.Length - 5)
        {
            return null;
        }

        var message = frame[5..];
        var status = 0;
        for (var i = 0; i < message.Length;)
        {
            if (!TryVarint(message, ref i, out var key))
            {
                return null;
            }

            switch (key & 7)
            {
                case 0:
                    if (!TryVarint(message, ref i, out var value))
                    {
                        return null;
                    }

                    if (key >> 3 == 1)
                    {
                        status = (int)Math.Min(value, int.MaxValue);
                    }

                    break;
                case 2:
                    if (!TryVarint(message, ref i, out var length) || length > (ulong)(message.Length - i))
                    {
                        return null;
                    }

                    i += (int)length;
                    break;
                case 1:
                    i += 8;
                    break;
                case 5:
                    i += 4;
                    break;
                default:
                    return null;
            }

            if (i > message.Length)
            {
                return null;
            }
        }

        return status;
    }

    private static bool TryVarint(ReadOnlySpan<byte> data, ref int i, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && i < data.Length; shift += 7)
        {
            var b = data[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxResponseBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct);
            if (n == 0)
            {
                return buffer[..read];
            }

            read += n;
        }

        throw new IOException($"the health answer is larger than {MaxResponseBytes} bytes");
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
