using System.Text.Json;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Patching;
using AiOperator.LocalCluster.ApiServer.Resources;
using AiOperator.LocalCluster.ApiServer.Schema;
using AiOperator.LocalCluster.ApiServer.Selection;
using AiOperator.LocalCluster.ApiServer.Storage;
using AiOperator.LocalCluster.ApiServer.Tables;
using Microsoft.AspNetCore.Http;

namespace AiOperator.LocalCluster.ApiServer.Http;

// Verbs on resource paths.
internal sealed partial class ApiRequestHandler
{
    private async Task HandleResourceAsync(HttpContext ctx, RequestInfo info)
    {
        var type = _catalog.Find(info.Group, info.Version, info.Resource) ?? throw ApiErrors.ResourceNotFound(info.Path);
        if (!type.Verbs.Contains(info.Verb))
        {
            throw ApiErrors.MethodNotAllowed($"the server does not allow this method on the requested resource (path {info.Path})");
        }
        if (!type.Namespaced && info.Namespace.Length > 0)
        {
            throw ApiErrors.ResourceNotFound(info.Path);
        }

        if (type.Namespaced && info.Namespace.Length == 0 && info.Verb is not ("list" or "watch"))
        {
            throw ApiErrors.ResourceNotFound(info.Path);
        }

        var namedOnly = info.Verb is "update" or "patch";
        if ((namedOnly && info.Name.Length == 0) || (info.Verb == "create" && info.Name.Length > 0 && info.Subresource.Length == 0))
        {
            throw ApiErrors.MethodNotAllowed($"the server does not allow this method on the requested resource (path {info.Path})");
        }

        var knownSubresource = info.Subresource switch
        {
            "status" => type.HasStatus,
            "scale" => type.Scale is not null,
            "log" => type.HasLog,
            ResourceRegistry.BindingSubresource => type.StoreKey == "/pods",
            ResourceRegistry.EvictionSubresource => type.StoreKey == "/pods",
            "portforward" => type.StoreKey == "/pods",
            _ => false,
        };
        var allowed = info.Subresource switch
        {
            "status" or "scale" => info.Verb is "get" or "update" or "patch",
            "log" => info.Verb == "get",
            ResourceRegistry.BindingSubresource or ResourceRegistry.EvictionSubresource => info.Verb == "create",
            "portforward" => info.Verb is "get" or "create",
            _ => true,
        };
        if (knownSubresource && !allowed)
        {
            throw ApiErrors.MethodNotAllowed($"the server does not allow this method on the requested resource (path {info.Path})");
        }

        switch (info.Subresource)
        {
            case "":
                break;
            case "status" when type.HasStatus && info.Verb is "get" or "update" or "patch":
                break;
            case "scale" when type.Scale is not null && info.Verb is "get" or "update" or "patch":
                await HandleScaleAsync(ctx, info, type);
                return;
            case "log" when type.HasLog && info.Verb == "get":
                await HandleLogAsync(ctx, info, type);
                return;
            case ResourceRegistry.BindingSubresource when type.StoreKey == "/pods" && info.Verb == "create":
                await BindAsync(ctx, info, type);
                return;
            case ResourceRegistry.EvictionSubresource when type.StoreKey == "/pods" && info.Verb == "create":
                await EvictAsync(ctx, info, type);
                return;
            case "portforward" when type.StoreKey == "/pods" && info.Verb is "get" or "create":
                await HandlePortForwardAsync(ctx, info, type);
                return;
            default:
                throw ApiErrors.ResourceNotFound(info.Path);
        }

        var sub = info.Subresource.Length == 0 ? null : info.Subresource;
        switch (info.Verb)
        {
            case "get":
                await GetAsync(ctx, info, type);
                break;
            case "list":
                await ListAsync(ctx, info, type);
                break;
            case "watch":
                await WatchAsync(ctx, info, type);
                break;
            case "create":
                await CreateAsync(ctx, info, type);
                break;
            case "update":
                await UpdateAsync(ctx, info, type, sub);
                break;
            case "patch":
                await PatchAsync(ctx, info, type, sub);
                break;
            case "delete":
                await DeleteAsync(ctx, info, type);
                break;
            case "deletecollection":
                await DeleteCollectionAsync(ctx, info, type);
                break;
            default:
                throw ApiErrors.MethodNotAllowed($"the server does not allow this method on the requested resource (verb {info.Verb})");
        }
    }

    private async Task GetAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        var stored = _registry.Get(type, info.Namespace, info.Name);
        if (WantsTable(ctx))
        {
            var table = TableBuilder.Build(type, [stored.Object], _time.GetUtcNow(), IncludeObject(ctx), stored.ResourceVersion, null);
            await Responses.WriteJsonAsync(ctx, 200, table);
            return;
        }

        await Responses.WriteObjectAsync(ctx, 200, type, stored);
    }

    private async Task ListAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        var filter = Filter(ctx, type);
        var limit = QueryLong(ctx, "limit") ?? 0;
        if (limit < 0)
        {
            throw ApiErrors.BadRequest("limit: must be a non-negative integer");
        }

        ContinueAt? start = null;
        if (QueryParameters.String(ctx.Request.Query, "continue") is { Length: > 0 } token)
        {
            var decoded = ContinueToken.Decode(token);
            start = new ContinueAt(decoded.ResourceVersion, decoded.LastKey);
        }

        var consistency = ListConsistency.Read(ctx.Request.Query, watch: false);
        var ns = info.Namespace.Length == 0 ? null : info.Namespace;
        await WaitForResourceVersionAsync(consistency.NotOlderThanVersion ?? consistency.ExactVersion, ctx.RequestAborted);
        var page = _registry.Store.List(type.StoreKey, ns, filter, (int)Math.Min(limit, int.MaxValue), start, consistency.ExactVersion);
        if (WantsTable(ctx))
        {
            var table = TableBuilder.Build(type, page.Items.Select(i => i.Object), _time.GetUtcNow(), IncludeObject(ctx), page.ResourceVersion, page.Continue);
            await Responses.WriteJsonAsync(ctx, 200, table);
            return;
        }

        await Responses.WriteListAsync(ctx, type, page);
    }

    // kube-apiserver's watch cache waits up to 3 s to catch up with a resourceVersion newer than it has,
    // then answers 504; this store is never behind itself, so the wait is only for concurrent writes
    // and kept short (TooLargeResourceVersionWait).
    private static readonly TimeSpan TooLargeResourceVersionWait = TimeSpan.FromSeconds(1);

    private async Task WaitForResourceVersionAsync(long? resourceVersion, CancellationToken aborted)
    {
        if (resourceVersion is not { } wanted)
        {
            return;
        }

        var deadline = _time.GetUtcNow() + TooLargeResourceVersionWait;
        long current;
        while ((current = _registry.Store.CurrentResourceVersion) < wanted)
        {
            if (_time.GetUtcNow() >= deadline)
            {
                throw ApiErrors.TooLargeResourceVersion(wanted, current);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, aborted);
        }
    }

    private async Task CreateAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        var write = WriteContextFor(ctx);
        var (body, _) = await ReadObjectAsync(ctx, type, write, checkKind: true);
        var result = _registry.Create(type, info.Namespace, body, write);
        AddWarnings(ctx, write);
        await Responses.WriteObjectAsync(ctx, result.Code, type, result.Object);
    }

    private async Task UpdateAsync(HttpContext ctx, RequestInfo info, ResourceType type, string? sub)
    {
        var write = WriteContextFor(ctx);
        var (body, _) = await ReadObjectAsync(ctx, type, write, checkKind: true);
        var result = _registry.Update(type, info.Namespace, info.Name, body, sub, write);
        AddWarnings(ctx, write);
        await Responses.WriteObjectAsync(ctx, result.Code, type, result.Object);
    }

    private async Task PatchAsync(HttpContext ctx, RequestInfo info, ResourceType type, string? sub)
    {
        var write = WriteContextFor(ctx);
        var mediaType = RequestBody.MediaType(ctx.Request);
        var raw = await RequestBody.ReadAsync(ctx.Request, _options.MaxRequestBodyBytes, ctx.RequestAborted);
        if (mediaType == "application/apply-patch+yaml")
        {
            if (QueryParameters.String(ctx.Request.Query, "fieldManager").Length == 0)
            {
                throw ApiErrors.BadRequest("PATCH " + info.Path + ": fieldManager is required for apply requests");
            }

            var applied = RequestBody.ParseObject(raw, mediaType);
            if (string.IsNullOrEmpty(applied.Str("apiVersion")) || string.IsNullOrEmpty(applied.Str("kind")))
            {
                throw ApiErrors.BadRequest("apply configurations must set apiVersion and kind");
            }

            CheckKind(applied, type);
            var appliedName = applied.Obj("metadata").Str("name");
            if (appliedName != info.Name)
            {
                throw ApiErrors.BadRequest($"the name of the object ({appliedName}) does not match the name on the URL ({info.Name})");
            }

            var applyResult = _registry.Apply(type, info.Namespace, info.Name, applied, sub, write);
            AddWarnings(ctx, write);
            await Responses.WriteObjectAsync(ctx, applyResult.Code, type, applyResult.Object);
            return;
        }

        if (RequestBody.IsProtobuf(mediaType))
        {
            throw ApiErrors.UnsupportedMediaType(mediaType);
        }

        var patch = RequestBody.Parse(raw, mediaType == "application/json-patch+json" ? "application/json" : mediaType);
        if (write.Validation != FieldValidation.Ignore && mediaType != "application/json-patch+json")
        {
            CheckDuplicates(raw, mediaType, type, write);
        }

        Func<JsonObject, JsonObject> apply = mediaType switch
        {
            "application/merge-patch+json" => obj => JsonMergePatch.Apply(obj, patch) as JsonObject ?? throw ApiErrors.BadRequest("a merge patch must be a JSON object"),
            "application/json-patch+json" => obj => JsonPatch.Apply(obj, patch) as JsonObject ?? throw new ApiException(422, "Invalid", "the patched document is not a JSON object"),
            "application/strategic-merge-patch+json" when type.IsCustom => throw new ApiException(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"),
            "application/strategic-merge-patch+json" => obj => StrategicMergePatch.Apply(obj, patch as JsonObject ?? throw ApiErrors.BadRequest("a strategic merge patch must be a JSON object"), null, builtin: true),
            _ => throw ApiErrors.UnsupportedMediaType(mediaType),
        };
        var result = _registry.Patch(type, info.Namespace, info.Name, apply, sub, write);
        AddWarnings(ctx, write);
        await Responses.WriteObjectAsync(ctx, result.Code, type, result.Object);
    }

    private async Task DeleteAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        var request = await DeleteRequestFor(ctx);
        var result = _registry.Delete(type, info.Namespace, info.Name, request);
        if (result.Gone && !type.ReturnsDeletedObject)
        {
            await Responses.WriteJsonAsync(ctx, 200, Responses.Success(type, result.Object));
            return;
        }

        await Responses.WriteObjectAsync(ctx, 200, type, result.Object);
    }

    private async Task DeleteCollectionAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        var request = await DeleteRequestFor(ctx);
        var filter = Filter(ctx, type);
        var deleted = _registry.DeleteCollection(type, info.Namespace.Length == 0 ? null : info.Namespace, filter, request);
        await Responses.WriteListAsync(ctx, type, new ListPage(deleted, _registry.Store.CurrentResourceVersion, null, null));
    }

    private async Task<(JsonObject Body, byte[] Raw)> ReadObjectAsync(HttpContext ctx, ResourceType type, WriteContext write, bool checkKind)
    {
        var mediaType = RequestBody.MediaType(ctx.Request);
        var raw = await RequestBody.ReadAsync(ctx.Request, _options.MaxRequestBodyBytes, ctx.RequestAborted);
        var body = RequestBody.ParseObject(raw, mediaType);
        if (write.Validation != FieldValidation.Ignore)
        {
            CheckDuplicates(raw, mediaType, type, write);
        }

        if (checkKind)
        {
            CheckKind(body, type);
        }

        return (body, raw);
    }

    private static void CheckDuplicates(byte[] raw, string mediaType, ResourceType type, WriteContext write)
    {
        if (RequestBody.IsYaml(mediaType) || RequestBody.IsProtobuf(mediaType))
        {
            return;
        }

        var duplicates = DuplicateFieldScanner.Scan(raw);
        if (duplicates.Count == 0)
        {
            return;
        }

        var rendered = duplicates.Select(d => $"duplicate field \"{d}\"").ToList();
        if (write.Validation == FieldValidation.Strict)
        {
            throw ApiErrors.BadRequest($"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: {string.Join(", ", rendered)}");
        }

        write.Warnings.AddRange(rendered);
    }

    private static void CheckKind(JsonObject body, ResourceType type)
    {
        // Typed clients often leave kind/apiVersion empty; like kube-apiserver, the URL supplies them.
        if (body["apiVersion"] is not null and not JsonValue || body["kind"] is not null and not JsonValue)
        {
            throw ApiErrors.BadRequest("apiVersion and kind must be strings");
        }

        var apiVersion = body.Str("apiVersion");
        var kind = body.Str("kind");
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.ApiVersion)
        {
            throw ApiErrors.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }

        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
        {
            throw ApiErrors.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        }
    }

    private static WriteContext WriteContextFor(HttpContext ctx)
    {
        var query = ctx.Request.Query;
        var dryRun = DryRun(query);

        var validation = QueryParameters.String(query, "fieldValidation") switch
        {
            "" or "Warn" => FieldValidation.Warn,
            "Strict" => FieldValidation.Strict,
            "Ignore" => FieldValidation.Ignore,
            var other => throw ApiErrors.BadRequest($"fieldValidation: Unsupported value: \"{other}\": supported values: \"Ignore\", \"Strict\", \"Warn\""),
        };

        var manager = QueryParameters.String(query, "fieldManager");
        if (manager.Length > 128)
        {
            throw ApiErrors.BadRequest("fieldManager: Too long: may not be more than 128 bytes");
        }

        if (manager.Length == 0)
        {
            var agent = ctx.Request.Headers.UserAgent.ToString();
            var slash = agent.IndexOf('/', StringComparison.Ordinal);
            manager = agent.Length == 0 ? "unknown" : (slash > 0 ? agent[..slash] : agent);
            if (manager.Length > 128)
            {
                manager = manager[..128];
            }
        }

        var force = QueryParameters.Bool(query, "force");
        return new WriteContext(manager, dryRun, force, validation);
    }

    // dryRun is a list: every value must be "All" (kube-apiserver's validation); any value makes it a dry run.
    private static bool DryRun(IQueryCollection query)
    {
        if (!query.TryGetValue("dryRun", out var values) || values.Count == 0)
        {
            return false;
        }

        foreach (var value in values)
        {
            if (value != "All")
            {
                throw ApiErrors.BadRequest($"dryRun: Unsupported value: \"{value}\": supported values: \"All\"");
            }
        }

        return true;
    }

    private static void AddWarnings(HttpContext ctx, WriteContext write)
    {
        foreach (var warning in write.Warnings.Distinct())
        {
            ctx.Response.Headers.Append("Warning", $"299 - {WarningText.Quote(warning)}");
        }
    }

    private async Task<DeleteRequest> DeleteRequestFor(HttpContext ctx)
    {
        var query = ctx.Request.Query;
        string? policy = QueryParameters.String(query, "propagationPolicy") is { Length: > 0 } p ? p : null;
        var grace = QueryLong(ctx, "gracePeriodSeconds");
        var dryRun = DryRun(query);
        if (QueryParameters.Bool(query, "orphanDependents"))
        {
            policy ??= "Orphan";
        }

        string? uid = null;
        string? rv = null;
        if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
        {
            var raw = await RequestBody.ReadAsync(ctx.Request, _options.MaxRequestBodyBytes, ctx.RequestAborted);
            if (raw.Length > 0)
            {
                var body = RequestBody.ParseObject(raw, RequestBody.MediaType(ctx.Request));
                policy = body.Str("propagationPolicy") ?? policy;
                if (body["orphanDependents"]?.GetValueKind() == JsonValueKind.True)
                {
                    policy ??= "Orphan";
                }

                grace = body.Long("gracePeriodSeconds") ?? grace;
                uid = body.Obj("preconditions").Str("uid");
                rv = body.Obj("preconditions").Str("resourceVersion");
                dryRun |= body.Arr("dryRun")?.Any(d => JsonTree.AsString(d) == "All") == true;
            }
        }

        if (grace is < 0)
        {
            grace = 0;
        }

        return new DeleteRequest(policy, grace, uid, rv, dryRun);
    }

    private static Func<JsonObject, bool> Filter(HttpContext ctx, ResourceType type)
    {
        var labels = LabelSelector.Parse(QueryParameters.String(ctx.Request.Query, "labelSelector"));
        var fields = FieldSelector.Parse(QueryParameters.String(ctx.Request.Query, "fieldSelector"), type.StoreKey);
        if (labels.IsEmpty && fields.IsEmpty)
        {
            return ObjectStore.Everything;
        }

        return obj => fields.Matches(obj) && labels.Matches(obj.Labels());
    }

    private static bool WantsTable(HttpContext ctx) =>
        ctx.Request.Headers.Accept.ToString().Contains("as=Table", StringComparison.Ordinal);

    private static string IncludeObject(HttpContext ctx) =>
        QueryParameters.String(ctx.Request.Query, "includeObject") is { Length: > 0 } v ? v : "Metadata";

    private static long? QueryLong(HttpContext ctx, string name)
    {
        return QueryParameters.Long(ctx.Request.Query, name);
    }
}
