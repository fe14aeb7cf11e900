using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Resources;
using AiOperator.LocalCluster.ApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace AiOperator.LocalCluster.ApiServer.Http;

internal static class Responses
{
    public static async Task WriteJsonAsync(HttpContext ctx, int code, JsonNode node, string contentType = "application/json")
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = contentType;
        await ctx.Response.Body.WriteAsync(JsonTree.ToBytes(node), ctx.RequestAborted);
    }

    public static async Task WriteObjectAsync(HttpContext ctx, int code, ResourceType type, StoredObject stored)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(Bytes(type, stored), ctx.RequestAborted);
    }

    // Objects are stored with the apiVersion they were written in; other served versions relabel them.
    public static byte[] Bytes(ResourceType type, StoredObject stored)
    {
        if (stored.ApiVersion == type.ApiVersion)
        {
            return stored.Json;
        }

        var copy = stored.MutableCopy();
        copy["apiVersion"] = type.ApiVersion;
        return JsonTree.ToBytes(copy);
    }

    public static async Task WriteListAsync(HttpContext ctx, ResourceType type, ListPage page)
    {
        var buffer = new ArrayBufferWriter<byte>(4096 + page.Items.Sum(i => i.Json.Length + 1));
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", type.ListKind);
            writer.WriteString("apiVersion", type.ApiVersion);
            writer.WriteStartObject("metadata");
            writer.WriteString("resourceVersion", page.ResourceVersion.ToString(CultureInfo.InvariantCulture));
            if (page.Continue is not null)
            {
                writer.WriteString("continue", page.Continue);
                writer.WriteNumber("remainingItemCount", page.RemainingItemCount ?? 0);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("items");
            foreach (var item in page.Items)
            {
                writer.WriteRawValue(Bytes(type, item), skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.Body.WriteAsync(buffer.WrittenMemory, ctx.RequestAborted);
    }

    public static JsonObject Success(ResourceType type, StoredObject stored) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject
        {
            ["name"] = stored.Ref.Name,
            ["group"] = type.Group,
            ["kind"] = type.Plural,
            ["uid"] = stored.Uid,
        },
    };

    public static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Expired",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "InternalError",
    };
}
