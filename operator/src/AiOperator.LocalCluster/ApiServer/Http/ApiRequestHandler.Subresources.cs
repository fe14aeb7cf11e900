using System.Text;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Patching;
using AiOperator.LocalCluster.ApiServer.Resources;
using AiOperator.LocalCluster.ApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace AiOperator.LocalCluster.ApiServer.Http;

// scale, log and binding subresources.
internal sealed partial class ApiRequestHandler
{
    private async Task BindAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        var write = WriteContextFor(ctx);
        var raw = await RequestBody.ReadAsync(ctx.Request, _options.MaxRequestBodyBytes, ctx.RequestAborted);
        var binding = RequestBody.ParseObject(raw, RequestBody.MediaType(ctx.Request));
        if (binding.Str("kind") is { Length: > 0 } kind && kind != "Binding")
        {
            throw ApiErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind (Binding)");
        }

        var bindingName = binding.Obj("metadata").Str("name");
        if (!string.IsNullOrEmpty(bindingName) && bindingName != info.Name)
        {
            throw ApiErrors.BadRequest($"the name of the object ({bindingName}) does not match the name on the URL ({info.Name})");
        }

        _registry.Bind(type, info.Namespace, info.Name, binding, write);
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["code"] = 201,
        };
        await Responses.WriteJsonAsync(ctx, 201, status);
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
