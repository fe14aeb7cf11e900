using System.Text;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Patching;
using AiOperator.LocalCluster.ApiServer.Resources;
using AiOperator.LocalCluster.ApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace AiOperator.LocalCluster.ApiServer.Http;

// scale, log, binding and eviction subresources.
internal sealed partial class ApiRequestHandler
{
    // The body a create on a subresource posts: of the given kind (when it says), named as the URL (when it
    // names itself; each subresource has its own words for a mismatch, null for the generic ones).
    private async Task<JsonObject> ReadNamedBodyAsync(HttpContext ctx, RequestInfo info, string kind, string? nameMismatch)
    {
        var raw = await RequestBody.ReadAsync(ctx.Request, _options.MaxRequestBodyBytes, ctx.RequestAborted);
        var body = RequestBody.ParseObject(raw, RequestBody.MediaType(ctx.Request));
        if (body.Str("kind") is { Length: > 0 } given && given != kind)
        {
            throw ApiErrors.BadRequest($"the kind in the data ({given}) does not match the expected kind ({kind})");
        }

        var name = body.Obj("metadata").Str("name");
        if (!string.IsNullOrEmpty(name) && name != info.Name)
        {
            throw ApiErrors.BadRequest(nameMismatch ?? $"the name of the object ({name}) does not match the name on the URL ({info.Name})");
        }

        return body;
    }

    private static Task WriteCreatedAsync(HttpContext ctx) => Responses.WriteJsonAsync(ctx, 201, new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["code"] = 201,
    });

    // policy/v1 Eviction: { metadata: { name }, deleteOptions: { gracePeriodSeconds, preconditions, dryRun } }.
    private async Task EvictAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        var write = WriteContextFor(ctx);
        var eviction = await ReadNamedBodyAsync(ctx, info, "Eviction", "name in URL does not match name in Eviction object");
        var options = eviction.Obj("deleteOptions");
        var grace = options?.Long("gracePeriodSeconds");
        var request = new DeleteRequest(
            options.Str("propagationPolicy"),
            grace is < 0 ? 0 : grace,
            options.Obj("preconditions").Str("uid"),
            options.Obj("preconditions").Str("resourceVersion"),
            DryRun(ctx.Request.Query) || options?["dryRun"] is JsonArray dry && dry.Any(d => JsonTree.AsString(d) == "All"));
        _registry.Evict(type, info.Namespace, info.Name, request, write);
        await WriteCreatedAsync(ctx);
    }

    private async Task BindAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        var write = WriteContextFor(ctx);
        var binding = await ReadNamedBodyAsync(ctx, info, "Binding", null);
        _registry.Bind(type, info.Namespace, info.Name, binding, write);
        await WriteCreatedAsync(ctx);
    }

    private async Task HandleScaleAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        if (info.Verb == "get")
        {
            var stored = _registry.Get(type, info.Namespace, info.Name);
            await Responses.WriteJsonAsync(ctx, 200, ScaleSubresource.ToScale(type, stored.Object));
            return;
        }

        var write = WriteContextFor(ctx);
        var mediaType = RequestBody.MediaType(ctx.Request);
        var raw = await RequestBody.ReadAsync(ctx.Request, _options.MaxRequestBodyBytes, ctx.RequestAborted);
        var body = RequestBody.Parse(raw, mediaType == "application/json-patch+json" ? "application/json" : mediaType);
        var result = _registry.Patch(type, info.Namespace, info.Name, obj =>
        {
            var current = ScaleSubresource.ToScale(type, obj);
            JsonObject desired = info.Verb == "update"
                ? body as JsonObject ?? throw ApiErrors.BadRequest("the body of the request must be a Scale object")
                : mediaType switch
                {
                    "application/merge-patch+json" or "application/apply-patch+yaml" => (JsonObject)JsonMergePatch.Apply(current, body)!,
                    "application/json-patch+json" => (JsonObject)JsonPatch.Apply(current, body),
                    "application/strategic-merge-patch+json" => StrategicMergePatch.Apply(current, body as JsonObject ?? new JsonObject(), null, true),
                    _ => throw ApiErrors.UnsupportedMediaType(mediaType),
                };
            ScaleSubresource.SetReplicas(type, obj, ScaleSubresource.ReplicasFrom(desired));
            if (desired.Obj("metadata").Str("resourceVersion") is { Length: > 0 } rv)
            {
                obj.Metadata()["resourceVersion"] = rv;
            }

            return obj;
        }, null, write);
        await Responses.WriteJsonAsync(ctx, 200, ScaleSubresource.ToScale(type, result.Object.Object));
    }

    private async Task HandleLogAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        var pod = _registry.Get(type, info.Namespace, info.Name).Object;
        var containers = pod.Obj("spec").Arr("containers")?.Select(c => c.Str("name") ?? "").ToList() ?? [];
        var container = QueryParameters.String(ctx.Request.Query, "container");
        if (container.Length == 0)
        {
            if (containers.Count != 1)
            {
                throw ApiErrors.BadRequest($"a container name must be specified for pod {info.Name}, choose one of: [{string.Join(" ", containers)}]");
            }

            container = containers[0];
        }
        else if (!containers.Contains(container) && !(pod.Obj("spec").Arr("initContainers")?.Any(c => c.Str("name") == container) ?? false))
        {
            throw ApiErrors.BadRequest($"container {container} is not valid for pod {info.Name}");
        }

        var source = _podLogs();
        var query = ctx.Request.Query;
        var follow = QueryParameters.Bool(query, "follow");
        var request = new PodLogRequest(info.Namespace, info.Name, container, QueryParameters.Bool(query, "previous"), follow,
            QueryParameters.Bool(query, "timestamps"), QueryLong(ctx, "sinceSeconds"));
        var notAvailable = $"container \"{container}\" in pod \"{info.Name}\" is waiting to start: no log available";
        if (source is null)
        {
            throw ApiErrors.BadRequest(notAvailable);
        }

        if (follow)
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.StartAsync(ctx.RequestAborted);
            await foreach (var chunk in source.FollowAsync(request, ctx.RequestAborted))
            {
                await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(chunk), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }

            return;
        }

        var text = await source.GetLogAsync(request, ctx.RequestAborted) ?? throw ApiErrors.BadRequest(notAvailable);
        if (QueryLong(ctx, "tailLines") is { } tail and >= 0)
        {
            var lines = text.Split('\n');
            var hasTrailingNewline = text.EndsWith('\n');
            var content = hasTrailingNewline ? lines[..^1] : lines;
            text = string.Join('\n', content.TakeLast((int)Math.Min(tail, int.MaxValue))) + (hasTrailingNewline && tail > 0 ? "\n" : "");
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        if (QueryLong(ctx, "limitBytes") is { } limit and > 0 && bytes.Length > limit)
        {
            bytes = bytes[..(int)limit];
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/plain";
        await ctx.Response.Body.WriteAsync(bytes, ctx.RequestAborted);
    }
}
