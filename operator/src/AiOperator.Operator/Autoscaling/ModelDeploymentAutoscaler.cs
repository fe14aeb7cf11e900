using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Events;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.ModelDeployments;
using AiOperator.Operator.Monitoring;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.Operator.Autoscaling;

/// <summary>
/// After each scrape: for every ModelDeployment, status.metrics (stable revision, at most every 15 s and
/// only on a meaningful change) and, with autoscaling on and not paused, the autoscaler's total in
/// status.desiredReplicas plus the ScalingLimited condition. The reconciler turns that total into
/// Deployment replicas (<see cref="ReplicaTotal"/>); it is the only writer of those. Its status writer
/// records no echoes, so the ModelDeployment controller reconciles each of these writes.
/// </summary>
internal sealed partial class ModelDeploymentAutoscaler(
    IResourceCache<ModelDeployment> modelDeployments,
    IResourceCache<V1Pod> pods,
    IResourceCache<V1Node> nodes,
    IRevisionMetrics metrics,
    StatusWriter statusWriter,
    IEventRecorder events,
    ControllerMetrics controllerMetrics,
    AutoscalerSettings settings,
    TimeProvider timeProvider,
    ILogger<ModelDeploymentAutoscaler> logger)
{
    public const string ScalingLimited = "ScalingLimited";

    private readonly Dictionary<ObjectKey, AutoscalerState> _states = [];
    private readonly Dictionary<ObjectKey, int?> _specReplicas = [];
    private readonly HashSet<ObjectKey> _exposed = [];
    private readonly Gauge _desired = controllerMetrics.Registry.Gauge(
        "aiop_operator_autoscaler_desired_replicas", "Replicas the autoscaler decided per ModelDeployment", "namespace", "model_deployment");
    private readonly Gauge _limited = controllerMetrics.Registry.Gauge(
        "aiop_operator_autoscaler_capacity_limited", "1 while free GPUs, not load, limit a ModelDeployment's replicas", "namespace", "model_deployment");

    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        var seen = new HashSet<ObjectKey>();
        foreach (var md in modelDeployments.List())
        {
            var key = ObjectKey.Of(md);
            seen.Add(key);
            if (md.Metadata.DeletionTimestamp is not null || ModelDeploymentValidator.Validate(md.Spec).Count > 0)
            {
                continue;
            }

            try
            {
                await EvaluateAsync(md, key, cancellationToken);
            }
            catch (KubeApiException ex) when (ex.IsConflict || ex.IsNotFound)
            {
                // A newer copy is on its way through the informer: the next round decides on it.
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One ModelDeployment's failed write must not stop the others, nor the loop: the next round retries.
                LogEvaluationFailed(key.Namespace, key.Name, ex);
            }
        }

        foreach (var gone in _states.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _states.Remove(gone);
        }

        foreach (var gone in _specReplicas.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _specReplicas.Remove(gone);
        }

        foreach (var gone in _exposed.Where(k => !_states.ContainsKey(k)).ToList())
        {
            _desired.Remove(gone.Namespace, gone.Name);
            _limited.Remove(gone.Namespace, gone.Name);
            _exposed.Remove(gone);
        }
    }

    private async Task EvaluateAsync(ModelDeployment md, ObjectKey key, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var status = ObjectCopy.Clone(md.Status ?? new ModelDeploymentStatus());
        var mine = pods.ListByLabel(key.Namespace, ModelDeploymentLabels.ModelDeployment, key.Name);

        if (!string.IsNullOrEmpty(md.Status?.StableRevision)
            && ServingMetricsPublication.Decide(md.Status.Metrics, metrics.Snapshot(key.Namespace, key.Name, md.Status.StableRevision, settings.StableWindow), now, ServingMetricsPublication.MinInterval) is { } published)
        {
            status.Metrics = published;
        }

        var autoscaling = md.Spec.Autoscaling;
        if (autoscaling?.Enabled != true)
        {
            _states.Remove(key);
            _specReplicas.Remove(key);
        }
        else if (md.Spec.Paused != true)
        {
            Autoscale(md, key, autoscaling, mine, status, now);
        }

        await statusWriter.UpdateAsync(md, status, cancellationToken);
    }

    private void Autoscale(ModelDeployment md, ObjectKey key, AutoscalingSpec autoscaling, IReadOnlyList<V1Pod> mine, ModelDeploymentStatus status, DateTimeOffset now)
    {
        var previous = ReplicaTotal.Compute(md.Spec, md.Status);
        if (!_states.TryGetValue(key, out var state))
        {
            state = AutoscalerState.Initial(previous, now);
        }

        // kubectl scale writes spec.replicas through the scale subresource: the autoscaler owns the count and says so.
        if (_specReplicas.TryGetValue(key, out var seenReplicas) && seenReplicas != md.Spec.Replicas && md.Spec.Replicas is { } asked)
        {
            events.Record(md, EventRecorder.Normal, "ScaleOverridden",
                $"spec.replicas={asked} is ignored while spec.autoscaling.enabled is true; the autoscaler keeps {previous} replicas");
        }

        _specReplicas[key] = md.Spec.Replicas;

        var revisions = mine.Select(p => p.Metadata.Labels.TryGetValue(ModelDeploymentLabels.Revision, out var r) ? r : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var panic = Window(key, revisions, settings.PanicWindow);
        var load = new LoadObservation(
            Window(key, revisions, settings.StableWindow),
            panic,
            mine.Count(p => p.Metadata.DeletionTimestamp is null && IsReady(p)),
            Math.Max(0, (panic?.PodsScraped ?? 0) - (panic?.PodsFailed ?? 0)));
        var decision = ReplicaRecommender.Decide(autoscaling, load, state, now, settings, Capacity(md, mine));
        _states[key] = decision.State;

        if (decision.Desired != previous)
        {
            events.Record(md, EventRecorder.Normal, "Autoscaled", $"{previous} → {decision.Desired} replicas: {decision.Reason}");
            LogDecision(key.Namespace, key.Name, previous, decision.Desired, decision.Reason);
        }

        status.DesiredReplicas = decision.Desired;
        _desired.Set(decision.Desired, key.Namespace, key.Name);
        _limited.Set(decision.CapacityMessage is null ? 0 : 1, key.Namespace, key.Name);
        _exposed.Add(key);
        var wasLimited = status.Conditions?.FirstOrDefault(c => c.Type == ScalingLimited);
        if (decision.CapacityMessage is { } message)
        {
            if (wasLimited?.Status != "True")
            {
                events.Record(md, EventRecorder.Warning, "CapacityLimited", message);
            }

            status.Conditions = Conditions.Set(status.Conditions, Condition("True", "CapacityLimited", message, md), now);
        }
        else if (wasLimited is not null)
        {
            status.Conditions = Conditions.Set(status.Conditions, Condition("False", "WithinCapacity", "the cluster holds the replicas the load asks for", md), now);
        }
    }

    private RevisionMetrics? Window(ObjectKey key, IReadOnlyList<string> revisions, TimeSpan window) =>
        MetricsAggregate.Sum([.. revisions.Select(r => metrics.Snapshot(key.Namespace, key.Name, r, window)).OfType<RevisionMetrics>()]);

    // GPU models only; counts GPUs that scheduled model pods of other ModelDeployments hold.
    private CapacityLimit? Capacity(ModelDeployment md, IReadOnlyList<V1Pod> mine)
    {
        var gpu = md.Spec.Resources?.Gpu;
        var perPod = gpu?.Count ?? 0;
        if (perPod <= 0)
        {
            return null;
        }

        var resource = gpu!.ResourceName ?? "nvidia.com/gpu";
        var selector = new Dictionary<string, string>(md.Spec.Scheduling?.NodeSelector ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(gpu.Product))
        {
            selector["nvidia.com/gpu.product"] = gpu.Product;
        }

        var held = 0;
        foreach (var pod in pods.List())
        {
            if (!HoldsNode(pod) || !pod.Metadata.Labels.TryGetValue(ModelDeploymentLabels.ModelDeployment, out var owner)
                || (pod.Metadata.NamespaceProperty == md.Metadata.NamespaceProperty && owner == md.Metadata.Name))
            {
                continue;
            }

            var other = modelDeployments.Get(pod.Metadata.NamespaceProperty ?? "", owner)?.Spec.Resources?.Gpu;
            if ((other?.ResourceName ?? "nvidia.com/gpu") == resource)
            {
                held += Math.Max(0, other?.Count ?? 0);
            }
        }

        return GpuCapacity.Compute(resource, perPod, selector, nodes.List(), held, mine.Count(HoldsNode));
    }

    private static bool HoldsNode(V1Pod pod) =>
        pod.Status?.Phase is not ("Succeeded" or "Failed")
        && pod.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "True") == true;

    private static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private static V1Condition Condition(string status, string reason, string message, ModelDeployment md) => new()
    {
        Type = ScalingLimited,
        Status = status,
        Reason = reason,
        Message = message,
        ObservedGeneration = md.Metadata.Generation,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "ModelDeployment {Namespace}/{Name}: autoscaling or status.metrics not written")]
    private partial void LogEvaluationFailed(string @namespace, string name, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "ModelDeployment {Namespace}/{Name}: {From} -> {To} replicas ({Reason})")]
    private partial void LogDecision(string @namespace, string name, int from, int to, string reason);
}
