using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Metrics;
using k8s;
using k8s.Models;
using Polly;

namespace AiOperator.ControllerRuntime.Client;

/// <summary>REST calls on KubernetesClient's authenticated HttpClient, through a Polly pipeline, counted by verb and code.</summary>
public sealed class KubeApi : IKubeApi, IDisposable
{
    private readonly Kubernetes _client;
    private readonly KubeApiOptions _options;
    private readonly ControllerMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly bool _ownsClient = true;
    private KubeApi? _singleAttempt;

    /// <param name="handlers">Extra HTTP handlers (tracing, tests), outermost first.</param>
    public KubeApi(KubernetesClientConfiguration configuration, ControllerMetrics metrics, TimeProvider? timeProvider = null, KubeApiOptions? options = null, params DelegatingHandler[] handlers)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _client = new Kubernetes(configuration, handlers);

        // Watches outlive any fixed client timeout; each call gets its own deadline instead.
        _client.HttpClient.Timeout = Timeout.InfiniteTimeSpan;
        _options = options ?? new KubeApiOptions();
        _metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _timeProvider = timeProvider ?? TimeProvider.System;
        _pipeline = TransientFaults.Pipeline(_options, _timeProvider);
    }

    // A view on the same HttpClient, metrics and options, without retries; it never disposes the client.
    private KubeApi(KubeApi shared)
    {
        _client = shared._client;
        _options = shared._options with { MaxRetries = 0 };
        _metrics = shared._metrics;
        _timeProvider = shared._timeProvider;
        _pipeline = TransientFaults.Pipeline(_options, _timeProvider);
        _ownsClient = false;
    }

    public IKubeApi SingleAttempt() => _options.MaxRetries == 0 ? this : _singleAttempt ??= new KubeApi(this);

    public async Task<KubeList<T>> ListAsync<T>(ResourceKind kind, string? ns, ListRequest request, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(request);
        var query = new List<string>();
        if (request.Limit is { } limit)
        {
            query.Add($"limit={limit}");
        }

        AddIfSet(query, "continue", request.Continue);
        AddIfSet(query, "labelSelector", request.LabelSelector);
        var path = WithQuery(kind.CollectionPath(ns), query);
        using var document = await SendForJsonAsync(HttpMethod.Get, "LIST", path, null, null, cancellationToken)
            ?? throw new KubeApiException("LIST", path, 404, null);
        var root = document.RootElement;
        var items = new List<T>();
        List<UndecodableObject>? undecodable = null;
        if (root.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in array.EnumerateArray())
            {
                // One malformed object must not keep every other object of the kind out of the cache,
                // nor vanish: the caller tracks it by name and reports the field.
                if (TryDecode<T>(kind, element, out var failure) is not { } item)
                {
                    if (failure is not null)
                    {
                        (undecodable ??= []).Add(failure);
                    }

                    continue;
                }

                // List items come without kind/apiVersion; downstream code (owner refs, events) needs them.
                item.ApiVersion = kind.ApiVersion;
                item.Kind = kind.Kind;
                items.Add(item);
            }
        }

        string? resourceVersion = null;
        string? continueToken = null;
        if (root.TryGetProperty("metadata", out var meta))
        {
            resourceVersion = meta.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : null;
            continueToken = meta.TryGetProperty("continue", out var c) ? c.GetString() : null;
        }

        return new KubeList<T>(items, resourceVersion ?? string.Empty, string.IsNullOrEmpty(continueToken) ? null : continueToken, undecodable);
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(
        ResourceKind kind, string? ns, WatchRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(request);
        var query = new List<string>
        {
            "watch=true",
            "allowWatchBookmarks=true",
            $"resourceVersion={Uri.EscapeDataString(request.ResourceVersion)}",
            $"timeoutSeconds={request.TimeoutSeconds}",
        };
        AddIfSet(query, "labelSelector", request.LabelSelector);
        var path = WithQuery(kind.CollectionPath(ns), query);

        // Not through the retry pipeline: the informer owns reconnects (token bucket, relist on 410).
        using var response = await SendOnceAsync(HttpMethod.Get, "WATCH", path, null, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync("WATCH", path, response, cancellationToken);
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = new WatchLineReader(body, _options.MaxWatchEventBytes);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            yield return DecodeWatchEvent<T>(kind, line.Span, _metrics);
        }
    }

    public async Task<T?> GetAsync<T>(ResourceKind kind, string? ns, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(kind);
        using var document = await SendForJsonAsync(HttpMethod.Get, "GET", kind.ObjectPath(ns, name), null, null, cancellationToken);
        return document is null ? null : Stamp(kind, KubernetesJson.Deserialize<T>(document.RootElement));
    }

    public async Task<T> CreateAsync<T>(ResourceKind kind, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(obj);
        Stamp(kind, obj);
        var path = kind.CollectionPath(obj.Metadata?.NamespaceProperty);
        return await SendForObjectAsync<T>(HttpMethod.Post, "POST", path, KubernetesJson.Serialize(obj), "application/json", kind, cancellationToken);
    }

    public async Task<T> ReplaceAsync<T>(ResourceKind kind, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(obj);
        Stamp(kind, obj);
        var path = kind.ObjectPath(obj.Metadata?.NamespaceProperty, obj.Metadata?.Name ?? string.Empty);
        return await SendForObjectAsync<T>(HttpMethod.Put, "PUT", path, KubernetesJson.Serialize(obj), "application/json", kind, cancellationToken);
    }

    public async Task<T> PatchAsync<T>(ResourceKind kind, string? ns, string name, KubePatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(patch);
        var query = new List<string>();
        AddIfSet(query, "fieldManager", patch.FieldManager);
        if (patch.Force)
        {
            query.Add("force=true");
        }

        var path = WithQuery(kind.ObjectPath(ns, name, patch.Subresource), query);
        return await SendForObjectAsync<T>(HttpMethod.Patch, "PATCH", path, patch.Body, patch.ContentType, kind, cancellationToken);
    }

    public async Task<bool> DeleteAsync(ResourceKind kind, string? ns, string name, string propagationPolicy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var body = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["propagationPolicy"] = propagationPolicy }.ToJsonString();
        using var document = await SendForJsonAsync(HttpMethod.Delete, "DELETE", kind.ObjectPath(ns, name), body, "application/json", cancellationToken);
        return document is not null;
    }

    public async Task<bool> ExistsAsync(string path, CancellationToken cancellationToken)
    {
        using var document = await SendForJsonAsync(HttpMethod.Get, "GET", path, null, null, cancellationToken);
        return document is not null;
    }

    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    private static T Stamp<T>(ResourceKind kind, T obj)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        obj.ApiVersion ??= kind.ApiVersion;
        obj.Kind ??= kind.Kind;
        return obj;
    }

    private static void AddIfSet(List<string> query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }

    private static string WithQuery(string path, List<string> query) => query.Count == 0 ? path : $"{path}?{string.Join('&', query)}";

    internal static WatchEvent<T> DecodeWatchEvent<T>(ResourceKind kind, ReadOnlySpan<byte> line, ControllerMetrics metrics)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (DecodeInOnePass<T>(kind, line) is { } usual)
        {
            return usual;
        }

        var reader = new Utf8JsonReader(line);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var typeText = root.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (!root.TryGetProperty("object", out var obj) || obj.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"watch event of type '{typeText}' has no object");
        }

        if (typeText == "ERROR")
        {
            var status = KubernetesJson.Deserialize<V1Status>(obj);
            throw new KubeApiException("WATCH", kind.Plural, status.Code ?? 500, status);
        }

        if (string.IsNullOrEmpty(typeText) || !char.IsLetter(typeText[0]) || !Enum.TryParse<WatchEventType>(typeText, ignoreCase: true, out var type))
        {
            throw new InvalidDataException($"unknown watch event type '{typeText}'");
        }

        T item;
        try
        {
            item = Stamp(kind, ObjectJson.WithoutManagedFields<T>(obj));
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException)
        {
            // Undecodable: pass on who it is and what failed (the informer tracks it by name), and advance
            // past it, or the watch would replay it forever. Without a readable name, a bookmark is all it can be.
            metrics.DecodeErrors.Inc(kind.Plural);
            var failure = Undecodable(obj, ex);
            if (failure?.Identity<T>(kind) is { } identity)
            {
                return new WatchEvent<T>(type, identity, failure.ResourceVersion, failure);
            }

            var rv = failure?.ResourceVersion ?? string.Empty;
            return new WatchEvent<T>(WatchEventType.Bookmark, KubernetesJson.Deserialize<T>(new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = rv } }.ToJsonString()), rv);
        }

        return new WatchEvent<T>(type, item, item.Metadata?.ResourceVersion ?? string.Empty);
    }

    // The usual event, {"type":"ADDED|MODIFIED|DELETED|BOOKMARK","object":{...}} with the type first, decoded
    // in one pass over the line instead of a JsonDocument and a second pass over its object. Anything else
    // (an ERROR, another order or casing, extra fields, an object that does not decode) is null here and
    // takes the document path, which reports it.
    private static WatchEvent<T>? DecodeInOnePass<T>(ResourceKind kind, ReadOnlySpan<byte> line)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var reader = new Utf8JsonReader(line);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject
                || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("type"u8)
                || !reader.Read() || reader.TokenType != JsonTokenType.String)
            {
                return null;
            }

            WatchEventType type;
            if (reader.ValueTextEquals("ADDED"u8))
            {
                type = WatchEventType.Added;
            }
            else if (reader.ValueTextEquals("MODIFIED"u8))
            {
                type = WatchEventType.Modified;
            }
            else if (reader.ValueTextEquals("DELETED"u8))
            {
                type = WatchEventType.Deleted;
            }
            else if (reader.ValueTextEquals("BOOKMARK"u8))
            {
                type = WatchEventType.Bookmark;
            }
            else
            {
                return null;
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("object"u8)
                || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var item = ObjectJson.WithoutManagedFields<T>(ref reader);
            if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject)
            {
                return null;
            }

            Stamp(kind, item);
            return new WatchEvent<T>(type, item, item.Metadata?.ResourceVersion ?? string.Empty);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException)
        {
            return null;
        }
    }

    // Name, namespace, uid and resourceVersion of an object that failed to decode, and the failing field as a path.
    private static UndecodableObject? Undecodable(JsonElement obj, Exception ex)
    {
        if (!obj.TryGetProperty("metadata", out var meta) || meta.ValueKind != JsonValueKind.Object
            || !meta.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        static string? Text(JsonElement meta, string property) =>
            meta.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var path = (ex as JsonException)?.Path;
        var field = string.IsNullOrEmpty(path) ? "(object)" : path.TrimStart('$').TrimStart('.');

        // The serializer's message up to its "Path:" part: the expected type, never the value sent. A value
        // that a converter of KubernetesClient could not parse is named by its kind only: its message quotes it.
        var error = ex is JsonException ? ex.Message.Split(" Path:", 2)[0] : $"a value does not parse ({ex.GetType().Name})";
        return new UndecodableObject(Text(meta, "namespace"), name.GetString()!, Text(meta, "uid"), Text(meta, "resourceVersion") ?? string.Empty, field, error);
    }

    private T? TryDecode<T>(ResourceKind kind, JsonElement element, out UndecodableObject? failure)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        failure = null;
        try
        {
            return ObjectJson.WithoutManagedFields<T>(element);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException)
        {
            _metrics.DecodeErrors.Inc(kind.Plural);
            failure = Undecodable(element, ex);
            return null;
        }
    }

    private async Task<T> SendForObjectAsync<T>(HttpMethod method, string verb, string path, string body, string contentType, ResourceKind kind, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        using var document = await SendForJsonAsync(method, verb, path, body, contentType, cancellationToken)
            ?? throw new KubeApiException(verb, path, 404, new V1Status { Code = 404, Reason = "NotFound", Message = $"{kind.Kind} not found" });
        return Stamp(kind, KubernetesJson.Deserialize<T>(document.RootElement));
    }

    // Null for 404; throws KubeApiException for any other non-success status after retries.
    private async Task<JsonDocument?> SendForJsonAsync(HttpMethod method, string verb, string path, string? body, string? contentType, CancellationToken cancellationToken)
    {
        using var response = await _pipeline.ExecuteAsync(
            async ct => await SendOnceAsync(method, verb, path, body, contentType, HttpCompletionOption.ResponseHeadersRead, ct),
            cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await ToExceptionAsync(verb, path, response, cancellationToken);
        }

        var bytes = await ReadBoundedAsync(response.Content, cancellationToken);
        return bytes.Length == 0 ? JsonDocument.Parse("{}") : JsonDocument.Parse(bytes);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method, string verb, string path, string? body, string? contentType, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(_client.BaseUri, path.TrimStart('/')));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.TryParseAdd(_options.UserAgent);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }

        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        try
        {
            var response = await _client.HttpClient.SendAsync(request, completion, cancellationToken);
            _metrics.RestRequests.Inc(verb, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            _metrics.RestRequests.Inc(verb, "<error>");
            throw;
        }
    }

    private async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > _options.MaxResponseBytes)
        {
            throw new InvalidDataException($"response of {content.Headers.ContentLength} bytes exceeds the {_options.MaxResponseBytes}-byte limit");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > _options.MaxResponseBytes)
            {
                throw new InvalidDataException($"response exceeds the {_options.MaxResponseBytes}-byte limit");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private async Task<KubeApiException> ToExceptionAsync(string verb, string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        V1Status? status = null;
        try
        {
            var bytes = await ReadBoundedAsync(response.Content, cancellationToken);
            if (bytes.Length > 0)
            {
                status = KubernetesJson.Deserialize<V1Status>(Encoding.UTF8.GetString(bytes));
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            // Not a Status body (a proxy's HTML page, say): the code alone still classifies it.
        }

        return new KubeApiException(verb, path.Split('?')[0], (int)response.StatusCode, status, TransientFaults.RetryAfter(response.Headers, _timeProvider.GetUtcNow()));
    }
}
