using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using AiOperator.LocalCluster.ApiServer.Protobuf;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

/// <summary>
/// A kubelet gRPC probe: grpc.health.v1.Health/Check over cleartext HTTP/2 (prior knowledge), succeeding only on
/// SERVING, with the kubelet's own failure texts. The two messages are a single field each, so the project's own
/// protobuf writer and reader handle them rather than a gRPC client library.
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
                var name = status >= 0 && status < CodeNames.Length ? CodeNames[status] : $"Code({status})";
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

    /// <summary>One gRPC message frame (uncompressed) of HealthCheckRequest { service = 1 }; an empty name is left out, as proto3 does.</summary>
    internal static byte[] Frame(string service)
    {
        var message = service.Length > 0 ? ProtoWriter.Text(1, service) : [];
        var frame = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
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

        var reader = new ProtoReader(frame[5..]);
        var status = 0;
        try
        {
            while (!reader.End)
            {
                var (number, wireType) = reader.ReadTag();
                if (number == 1 && wireType == ProtoReader.Varint)
                {
                    status = (int)Math.Min(reader.ReadVarint(), int.MaxValue);
                }
                else
                {
                    reader.SkipIsZero(wireType);
                }
            }
        }
        catch (ProtoFormatException)
        {
            return null;
        }

        return status;
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
