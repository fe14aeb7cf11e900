using System.Text.Json.Nodes;
using System.Threading.Channels;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Metrics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiOperator.ControllerRuntime.Events;

/// <summary>
/// core/v1 Events written in the background from a bounded buffer (full buffer: the event is dropped
/// and counted, the reconcile never waits). A repeat within 10 minutes bumps count and lastTimestamp.
/// </summary>
public sealed class EventRecorder : IEventRecorder
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
    private const int MaxMessageLength = 1024;
    private static readonly ResourceKind EventKind = new(string.Empty, "v1", "Event", "events");

    private readonly IKubeApi _api;
    private readonly string _component;
    private readonly TimeProvider _timeProvider;
    private readonly ControllerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly EventAggregator _aggregator;
    private readonly EventSpamFilter _spamFilter;
    private readonly Channel<(EventKey Key, V1ObjectReference Regarding)> _pending;

    public EventRecorder(IKubeApi api, string component, TimeProvider? timeProvider = null, ControllerMetrics? metrics = null, ILogger? logger = null, int bufferSize = 1024)
    {
        _api = api ?? throw new ArgumentNullException(nameof(api));
        ArgumentException.ThrowIfNullOrEmpty(component);
        _component = component;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = metrics ?? new ControllerMetrics();
        _logger = logger ?? NullLogger.Instance;
        _aggregator = new EventAggregator(4096, TimeSpan.FromMinutes(10));
        _spamFilter = new EventSpamFilter(_timeProvider);
        _pending = Channel.CreateBounded<(EventKey, V1ObjectReference)>(new BoundedChannelOptions(bufferSize) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
    }

    public void Record(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        if (type is not (Normal or Warning))
        {
            throw new ArgumentException($"event type must be {Normal} or {Warning}, not '{type}'", nameof(type));
        }

        ArgumentException.ThrowIfNullOrEmpty(reason);
        message ??= string.Empty;
        if (message.Length > MaxMessageLength)
        {
            message = message[..(MaxMessageLength - 3)] + "...";
        }

        var meta = regarding.Metadata;
        var key = new EventKey(meta.Uid ?? string.Empty, meta.NamespaceProperty ?? "default", meta.Name, type, reason, message);
        var reference = new V1ObjectReference
        {
            ApiVersion = regarding.ApiVersion,
            Kind = regarding.Kind,
            Name = meta.Name,
            NamespaceProperty = meta.NamespaceProperty,
            Uid = meta.Uid,
            ResourceVersion = meta.ResourceVersion,
        };
        if (!_pending.Writer.TryWrite((key, reference)))
        {
            _metrics.EventsDropped.Inc("buffer_full");
        }
    }

    /// <summary>Writes buffered events until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var (key, regarding) in _pending.Reader.ReadAllAsync(cancellationToken))
            {
                await WriteAsync(key, regarding, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(EventKey key, V1ObjectReference regarding, CancellationToken cancellationToken)
    {
        // The budget is per object and reason: routine Events (a scale, a step) that use theirs up must not
        // silence a rare one about the same object, such as a rollback Warning.
        if (!_spamFilter.Allow($"{key.Namespace}/{key.ObjectName}/{key.ObjectUid}/{key.Type}/{key.Reason}"))
        {
            _metrics.EventsDropped.Inc("spam");
            return;
        }

        var action = _aggregator.Observe(key, _timeProvider.GetUtcNow());
        try
        {
            if (!action.Create)
            {
                var patch = new JsonObject
                {
                    ["count"] = action.Count,
                    ["lastTimestamp"] = action.LastSeen.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                };
                try
                {
                    await _api.PatchAsync<Corev1Event>(EventKind, key.Namespace, action.Name, new KubePatch(PatchType.Merge, patch.ToJsonString()), cancellationToken);
                    return;
                }
                catch (KubeApiException ex) when (ex.IsNotFound)
                {
                    // The Event expired on the server (TTL): start a new one.
                    _aggregator.Forget(key);
                    action = _aggregator.Observe(key, _timeProvider.GetUtcNow());
                }
            }

            var now = action.LastSeen.UtcDateTime;
            var ev = new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = action.Name, NamespaceProperty = key.Namespace },
                InvolvedObject = regarding,
                Type = key.Type,
                Reason = key.Reason,
                Message = key.Message,
                Count = action.Count,
                FirstTimestamp = action.FirstSeen.UtcDateTime,
                LastTimestamp = now,
                Source = new V1EventSource { Component = _component },
                ReportingComponent = _component,
                ReportingInstance = Environment.MachineName,
            };
            await _api.CreateAsync(EventKind, ev, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Events are best effort; a failed write must not stall the ones behind it.
            _metrics.EventsDropped.Inc("write_failed");
            _aggregator.Forget(key);
            _logger.LogWarning(ex, "event {Reason} for {Namespace}/{Name} not written", key.Reason, key.Namespace, key.ObjectName);
        }
    }
}
