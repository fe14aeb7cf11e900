using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Protobuf;
using Microsoft.AspNetCore.Http;

namespace AiOperator.LocalCluster.ApiServer.Http;

// Reads a request body under the size limit and turns JSON, YAML or Kubernetes protobuf into a tree, with errors that
// name the problem but never echo the payload.
internal static class RequestBody
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 128, AllowTrailingCommas = false };

    public static async Task<byte[]> ReadAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength is { } length)
        {
            if (length > limit)
            {
                throw ApiErrors.TooLarge(limit);
            }

            // The usual case: the size is declared (and checked above), so the body is read into an array of
            // exactly that size, without a growing buffer and a final copy (Kestrel refuses a body that
            // differs from its Content-Length).
            var body = new byte[length];
            var filled = 0;
            while (filled < body.Length)
            {
                var n = await request.Body.ReadAsync(body.AsMemory(filled), ct);
                if (n == 0)
                {
                    throw ApiErrors.BadRequest("the request body ended before its Content-Length");
                }

                filled += n;
            }

            return body;
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    throw ApiErrors.TooLarge(limit);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    public static string MediaType(HttpRequest request)
    {
        var contentType = request.ContentType ?? "application/json";
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim().ToLowerInvariant();
    }

    public static bool IsProtobuf(string mediaType) => mediaType == ProtobufDecoder.MediaType;

    public static bool IsYaml(string mediaType) => mediaType is "application/yaml" or "application/x-yaml" or "text/yaml" or "application/apply-patch+yaml";

    public static JsonNode? Parse(byte[] body, string mediaType)
    {
        if (body.Length == 0)
        {
            throw ApiErrors.BadRequest("the request body is empty");
        }

        if (IsYaml(mediaType))
        {
            return YamlToJson.Convert(Encoding.UTF8.GetString(body));
        }

        if (IsProtobuf(mediaType))
        {
            return ProtobufDecoder.Decode(body);
        }

        if (mediaType.Contains("protobuf", StringComparison.Ordinal) || mediaType.Contains("cbor", StringComparison.Ordinal))
        {
            throw new ApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, {ProtobufDecoder.MediaType} (got {mediaType})");
        }

        try
        {
            return JsonNode.Parse(body, NodeOptions, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw ApiErrors.BadRequest($"the body of the request could not be decoded as JSON: invalid character at line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}");
        }
    }

    public static JsonObject ParseObject(byte[] body, string mediaType) =>
        Parse(body, mediaType) as JsonObject ?? throw ApiErrors.BadRequest("the body of the request must be a JSON object");
}
