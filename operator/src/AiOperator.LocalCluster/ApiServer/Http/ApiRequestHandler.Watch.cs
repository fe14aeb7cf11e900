using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Resources;
using AiOperator.LocalCluster.ApiServer.Storage;
using AiOperator.LocalCluster.ApiServer.Tables;
using Microsoft.AspNetCore.Http;

namespace AiOperator.LocalCluster.ApiServer.Http;

// Watch streams: one JSON event per line on a chunked response, bookmarks, timeoutSeconds, and an
// ERROR event (410 Expired) when the watch cannot continue, so clients relist.
internal sealed partial class ApiRequestHandler
{
    private static readonly byte[] EventSuffix = "}\n"u8.ToArray();
    private static readonly TimeSpan DefaultWatchTimeout = TimeSpan.FromMinutes(30);

    private async Task WatchAsync(HttpContext ctx, RequestInfo info, ResourceType type)
    {
        var filter = Filter(ctx, type);
        var bookmarks = QueryParameters.Bool(ctx.Request.Query, "allowWatchBookmarks");
        var timeout = QueryLong(ctx, "timeoutSeconds") is { } seconds and > 0 ? TimeSpan.FromSeconds(Math.Min(seconds, 86_400)) : DefaultWatchTimeout;
        var table = WantsTable(ctx);
        var includeObject = IncludeObject(ctx);
        var ns = info.Namespace.Length == 0 ? null : info.Namespace;

        // WatchList: sendInitialEvents=true streams the current state (at least as new as resourceVersion)
        // as ADDED events and ends it with an annotated BOOKMARK; false starts after the current state.
        var consistency = ListConsistency.Read(ctx.Request.Query, watch: true);
        var from = consistency.ResourceVersion;
        if (consistency.SendInitialEvents == true)
        {
            await WaitForResourceVersionAsync(consistency.NotOlderThanVersion, ctx.RequestAborted);
            from = "";
        }
        else if (consistency.SendInitialEvents == false && from is "" or "0")
        {
            from = _registry.Store.CurrentResourceVersion.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            // From a resourceVersion the store has not reached: the watch cache waits for it, then answers 504
            // "Too large resource version" with Retry-After (before, the watch opened and waited silently).
            await WaitForResourceVersionAsync(consistency.NotOlderThanVersion, ctx.RequestAborted);
        }

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        var body = ctx.Response.Body;
        var aborted = ctx.RequestAborted;

        WatchStart start;
        try
        {
            start = _registry.Store.Watch(type.StoreKey, ns, filter, from);
        }
        catch (ApiException ex) when (ex.Code == 410)
        {
            await body.WriteAsync(ErrorEvent(ex), aborted);
            return;
        }

        var watcher = start.Watcher;
        var firstTableEvent = true;
        try
        {
            await ctx.Response.StartAsync(aborted);
            var buffer = new ArrayBufferWriter<byte>(4096);
            foreach (var item in start.Backlog)
            {
                AppendEvent(buffer, type, item, table, includeObject, ref firstTableEvent);
                if (buffer.WrittenCount > 64 * 1024)
                {
                    await body.WriteAsync(buffer.WrittenMemory, aborted);
                    buffer.Clear();
                }
            }

            var lastRv = start.Backlog.Count > 0 ? start.Backlog[^1].Object.ResourceVersion : 0;
            if (consistency.SendInitialEvents == true && bookmarks)
            {
                // client-go's watch-list reflector waits for this annotation to know the state is complete.
                lastRv = start.ResourceVersion;
                buffer.Write(BookmarkEvent(type, lastRv, initialEventsEnd: true));
            }

            await body.WriteAsync(buffer.WrittenMemory, aborted);
            buffer.Clear();
            await body.FlushAsync(aborted);

            var deadline = _time.GetUtcNow() + timeout;
            // The first bookmark comes right after the initial state so clients learn a resumable version early.
            var nextBookmark = bookmarks ? _time.GetUtcNow() : DateTimeOffset.MaxValue;
            var reader = watcher.Channel.Reader;
            while (true)
            {
                while (reader.TryRead(out var item))
                {
                    AppendEvent(buffer, type, item, table, includeObject, ref firstTableEvent);
                    lastRv = item.Object.ResourceVersion;
                    if (buffer.WrittenCount > 64 * 1024)
                    {
                        break;
                    }
                }

                if (buffer.WrittenCount > 0)
                {
                    await body.WriteAsync(buffer.WrittenMemory, aborted);
                    await body.FlushAsync(aborted);
                    buffer.Clear();
                    continue;
                }

                var now = _time.GetUtcNow();
                if (now >= deadline)
                {
                    return;
                }

                if (now >= nextBookmark)
                {
                    if (_registry.Store.BookmarkVersion(watcher) is { } rv)
                    {
                        await body.WriteAsync(BookmarkEvent(type, Math.Max(rv, lastRv)), aborted);
                        await body.FlushAsync(aborted);
                        nextBookmark = now + _options.BookmarkInterval;
                    }

                    continue;
                }

                if (reader.Completion.IsCompleted)
                {
                    if (watcher.Overflowed)
                    {
                        await body.WriteAsync(ErrorEvent(ApiErrors.Gone("watch closed: the client fell too far behind; relist and watch again")), aborted);
                    }

                    return;
                }

                var wait = (nextBookmark < deadline ? nextBookmark : deadline) - now;
                using var timer = new CancellationTokenSource(wait, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, aborted);
                try
                {
                    if (!await reader.WaitToReadAsync(linked.Token))
                    {
                        if (watcher.Overflowed)
                        {
                            await body.WriteAsync(ErrorEvent(ApiErrors.Gone("watch closed: the client fell too far behind; relist and watch again")), aborted);
                        }

                        return;
                    }
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    // Timer fired: loop round to send a bookmark or finish at the deadline.
                }
            }
        }
        finally
        {
            _registry.Store.Unwatch(watcher);
        }
    }

    private void AppendEvent(ArrayBufferWriter<byte> buffer, ResourceType type, WatchItem item, bool table, string includeObject, ref bool firstTableEvent)
    {
        "{\"type\":\""u8.CopyTo(buffer.GetSpan(9));
        buffer.Advance(9);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(item.Type);
        buffer.Write(typeBytes);
        "\",\"object\":"u8.CopyTo(buffer.GetSpan(11));
        buffer.Advance(11);
        if (table)
        {
            var rendered = TableBuilder.Build(type, [item.Object.Object], _time.GetUtcNow(), includeObject, item.Object.ResourceVersion, null, withColumns: firstTableEvent);
            firstTableEvent = false;
            buffer.Write(JsonTree.ToBytes(rendered));
        }
        else
        {
            buffer.Write(Responses.Bytes(type, item.Object));
        }

        buffer.Write(EventSuffix);
    }

    private static byte[] BookmarkEvent(ResourceType type, long rv, bool initialEventsEnd = false)
    {
        var metadata = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }

        var bookmark = new JsonObject
        {
            ["type"] = "BOOKMARK",
            ["object"] = new JsonObject
            {
                ["kind"] = type.Kind,
                ["apiVersion"] = type.ApiVersion,
                ["metadata"] = metadata,
            },
        };
        return [.. JsonSerializer.SerializeToUtf8Bytes(bookmark, JsonTree.Compact), (byte)'\n'];
    }

    private static byte[] ErrorEvent(ApiException ex)
    {
        var node = new JsonObject { ["type"] = "ERROR", ["object"] = ex.ToStatus() };
        return [.. JsonSerializer.SerializeToUtf8Bytes(node, JsonTree.Compact), (byte)'\n'];
    }
}
