using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Monitoring;
using k8s.Models;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>Computes a ModelDeployment's status from what was observed (pure; the reconciler writes it only when it changed).</summary>
internal static class ModelDeploymentStatusProjection
{
    public const string SpecValid = "SpecValid";
    public const string Ready = "Ready";
    public const string Progressing = "Progressing";
    public const string Degraded = "Degraded";
    public const string ModelLoaded = "ModelLoaded";

    public static ModelDeploymentStatus Invalid(ModelDeployment md, IReadOnlyList<FieldError> errors, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(md);
        var status = Copy(md.Status);
        var generation = md.Metadata.Generation;
        status.ObservedGeneration = generation;
        status.Phase = ModelDeploymentPhase.Failed;
        status.Conditions = Conditions.Set(status.Conditions, SpecValid, false, "InvalidSpec", string.Join("; ", errors), generation, now);
        return status;
    }

    public static ModelDeploymentStatus Compute(ModelDeploymentObservation observed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(observed);
        var md = observed.ModelDeployment;
        var generation = md.Metadata.Generation;
        var status = Copy(md.Status);
        var desired = observed.DesiredReplicas;
        var current = observed.Deployments.FirstOrDefault(d => RevisionOf(d) == observed.CurrentRevision);
        var older = observed.Deployments.Where(d => RevisionOf(d) != observed.CurrentRevision).ToList();
        var replicas = observed.Deployments.Sum(d => d.Status?.Replicas ?? 0);
        var ready = observed.Deployments.Sum(d => d.Status?.ReadyReplicas ?? 0);
        var currentReady = current?.Status?.ReadyReplicas ?? 0;
        var currentSettled = current is not null && older.Count == 0 && currentReady >= desired
            && (current.Status?.ObservedGeneration ?? 0) >= (current.Metadata.Generation ?? 0);

        status.ObservedGeneration = generation;
        status.Replicas = replicas;
        status.ReadyReplicas = ready;
        status.DesiredReplicas = desired;
        status.Ready = $"{ready}/{desired}";
        status.Selector = ModelDeploymentLabels.Selector(md.Metadata.Name);
        status.Url = $"http://{md.Metadata.Name}.{md.Metadata.NamespaceProperty}.svc.cluster.local/v2/models/{ModelServerPodTemplate.ModelName(md)}";
        status.CanaryWeight ??= 0;
        status.CurrentStep ??= 0;

        var wasStable = status.StableRevision == observed.CurrentRevision;
        if (currentSettled)
        {
            status.StableRevision = observed.CurrentRevision;
        }

        status.Revisions = Revisions(status.Revisions, observed.CurrentRevision, md.Spec.Model.Version, currentSettled,
            md.Spec.RevisionHistoryLimit ?? 5, now);

        var conditions = Conditions.Set(status.Conditions, SpecValid, true, "Valid", "spec passed validation", generation, now);
        conditions = Conditions.Set(conditions, Ready, ready >= desired && desired > 0 || desired == 0 && currentSettled,
            ready >= desired ? "AllReplicasReady" : "ReplicasNotReady", $"{ready}/{desired} replicas ready", generation, now);
        var unschedulable = Unschedulable(observed.Pods, observed.CurrentRevision);
        conditions = Conditions.Set(conditions, Progressing, !currentSettled,
            currentSettled ? "RevisionAvailable" : unschedulable is not null ? "Unschedulable" : older.Count > 0 ? "RollingOutRevision" : "ReplicasStarting",
            currentSettled ? $"revision {observed.CurrentRevision} serves all traffic"
                : $"rolling out revision {observed.CurrentRevision}: {currentReady}/{desired} ready" + (unschedulable is null ? "" : $"; {unschedulable}"),
            generation, now);

        var degraded = wasStable && !currentSettled && older.Count == 0 && ready < desired;
        conditions = Conditions.Set(conditions, Degraded, degraded, degraded ? "ReplicasUnavailable" : "AsExpected",
            degraded ? $"only {ready}/{desired} replicas ready" : "no replica missing", generation, now);
        var (loaded, loadReason, loadMessage) = ModelLoadState(observed.Pods, observed.CurrentRevision, observed.LoadFailures ?? []);
        conditions = Conditions.Set(conditions, new V1Condition
        {
            Type = ModelLoaded,
            Status = loaded,
            Reason = loadReason,
            Message = loadMessage,
            ObservedGeneration = generation,
        }, now);
        status.Conditions = conditions;

        status.Phase = currentSettled ? ModelDeploymentPhase.Ready
            : degraded ? ModelDeploymentPhase.Degraded
            : ready == 0 && older.Count == 0 && loaded != "False" ? ModelDeploymentPhase.Pending
            : ModelDeploymentPhase.Progressing;
        return status;
    }

    public static string? RevisionOf(V1Deployment deployment) =>
        deployment.Metadata.Labels is { } labels && labels.TryGetValue(ModelDeploymentLabels.Revision, out var revision) ? revision : null;

    // The scheduler's own words ("0/7 nodes are available: 7 Insufficient nvidia.com/gpu.") say why a revision waits.
    private static string? Unschedulable(IReadOnlyList<V1Pod> pods, string revision)
    {
        var pod = pods.FirstOrDefault(p => p.Metadata.Labels?.TryGetValue(ModelDeploymentLabels.Revision, out var r) == true && r == revision
            && p.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False" && c.Reason == "Unschedulable") == true);
        var message = pod?.Status.Conditions.First(c => c.Type == "PodScheduled").Message;
        return pod is null ? null : Truncate($"pod {pod.Metadata.Name} unschedulable: {message}");
    }

    private static (string Status, string Reason, string Message) ModelLoadState(IReadOnlyList<V1Pod> pods, string revision, IReadOnlyList<ModelLoadFailure> failures)
    {
        var mine = pods.Where(p => p.Metadata.Labels?.TryGetValue(ModelDeploymentLabels.Revision, out var r) == true && r == revision).ToList();
        if (mine.Any(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true))
        {
            return ("True", "ModelServing", $"revision {revision} loaded the model and is ready");
        }

        // The running server's own word, read from its metrics by the scraper: no need to wait out the startup
        // probe, and fresher than how an earlier container of the pod ended.
        var reported = failures.FirstOrDefault(f => f.Revision == revision && mine.Any(p => p.Metadata.Name == f.Pod));
        if (reported is not null)
        {
            return ("False", "ModelLoadFailed", Truncate($"pod {reported.Pod}: {reported.Reason}"));
        }

        foreach (var pod in mine)
        {
            foreach (var container in pod.Status?.ContainerStatuses ?? [])
            {
                // A message marks a failure even with exit code 0: the server writes its termination log only
                // when the model fails to load, then exits cleanly when the startup probe gives up on it.
                var terminated = container.State?.Terminated ?? container.LastState?.Terminated;
                if (terminated is not null && (terminated.ExitCode != 0 || !string.IsNullOrWhiteSpace(terminated.Message)))
                {
                    var message = string.IsNullOrWhiteSpace(terminated.Message) ? $"model server exited with code {terminated.ExitCode}" : terminated.Message.Trim();
                    return ("False", "ModelLoadFailed", Truncate($"pod {pod.Metadata.Name}: {message}"));
                }

                if (container.State?.Waiting is { Reason: "CrashLoopBackOff" or "ImagePullBackOff" or "ErrImagePull" or "CreateContainerConfigError" } waiting)
                {
                    return ("False", waiting.Reason, Truncate($"pod {pod.Metadata.Name}: {waiting.Message ?? waiting.Reason}"));
                }
            }
        }

        return ("Unknown", "Loading", mine.Count == 0 ? $"no pod of revision {revision} yet" : $"revision {revision} is loading the model");
    }

    private static List<RevisionRecord> Revisions(IList<RevisionRecord>? history, string current, string? version, bool settled, int limit, DateTimeOffset now)
    {
        var result = new List<RevisionRecord>();
        var existing = history?.FirstOrDefault(r => r.Name == current);
        result.Add(new RevisionRecord
        {
            Name = current,
            ModelVersion = version,
            CreatedAt = existing?.CreatedAt ?? new DateTime(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc),
            Outcome = settled ? RevisionOutcome.Stable : existing?.Outcome == RevisionOutcome.Stable ? RevisionOutcome.Stable : RevisionOutcome.Progressing,
        });

        foreach (var record in history ?? [])
        {
            if (record.Name == current)
            {
                continue;
            }

            result.Add(new RevisionRecord
            {
                Name = record.Name,
                ModelVersion = record.ModelVersion,
                CreatedAt = record.CreatedAt,
                Outcome = settled && record.Outcome is RevisionOutcome.Stable or RevisionOutcome.Progressing ? RevisionOutcome.Superseded : record.Outcome,
            });
        }

        return result.Take(Math.Max(1, limit)).ToList();
    }

    private static string Truncate(string text) => text.Length <= 1024 ? text : text[..1021] + "...";

    private static ModelDeploymentStatus Copy(ModelDeploymentStatus? status) =>
        status is null ? new ModelDeploymentStatus() : k8s.KubernetesJson.Deserialize<ModelDeploymentStatus>(k8s.KubernetesJson.Serialize(status));
}
