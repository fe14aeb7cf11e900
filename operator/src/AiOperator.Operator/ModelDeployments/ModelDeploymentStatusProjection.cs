using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Monitoring;
using AiOperator.Operator.Rollouts;
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
    public const string RolledBack = "RolledBack";

    public static ModelDeploymentStatus Invalid(ModelDeployment md, IReadOnlyList<FieldError> errors, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(md);
        var status = Copy(md.Status);
        var generation = md.Metadata.Generation;
        status.ObservedGeneration = generation;
        status.Phase = ModelDeploymentPhase.Failed;
        status.ModelName = md.Spec?.Model?.Name ?? md.Metadata.Name;
        status.ModelVersion = md.Spec?.Model?.Version;
        status.Conditions = Conditions.Set(status.Conditions, SpecValid, false, "InvalidSpec", string.Join("; ", errors), generation, now);

        // This generation will not be served, whatever still serves the last good one: kubectl wait and GitOps
        // tools must not read a Ready=True left over from the previous spec.
        var serving = string.IsNullOrEmpty(status.StableRevision) ? "nothing is served" : $"revision {status.StableRevision} keeps serving";
        status.Conditions = Conditions.Set(status.Conditions, Ready, false, "InvalidSpec", $"spec is invalid (see condition SpecValid); {serving}", generation, now);
        return status;
    }

    /// <summary>
    /// The model's own Service could not be made (its name is taken, or the API server refused it): whatever pods
    /// run, clients at status.url do not reach them. Not Ready, and Degraded where it would otherwise say Ready:
    /// a person has to free the name, so kstatus reads it as Stalled rather than Current.
    /// </summary>
    public static ModelDeploymentStatus ServiceMissing(ModelDeploymentStatus status, string reason, string message, long? generation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(status);
        var text = $"the Service clients use is not this ModelDeployment's: {message}";
        status.Conditions = Conditions.Set(status.Conditions, Ready, false, reason, Truncate(text), generation, now);
        if (status.Phase is null or ModelDeploymentPhase.Ready)
        {
            status.Phase = status.Phase is null ? ModelDeploymentPhase.Pending : ModelDeploymentPhase.Degraded;
            status.Conditions = Conditions.Set(status.Conditions, Degraded, status.Phase == ModelDeploymentPhase.Degraded, reason, Truncate(text), generation, now);
        }

        return status;
    }

    public static ModelDeploymentStatus Compute(ModelDeploymentObservation observed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(observed);
        var md = observed.ModelDeployment;
        var rollout = observed.Rollout;
        var generation = md.Metadata.Generation;
        var status = Copy(rollout.Status);
        var desired = observed.DesiredReplicas;
        var stage = rollout.Stage;
        var stable = string.IsNullOrEmpty(status.StableRevision) ? null : status.StableRevision;
        var canary = rollout.Canary;
        var replicas = observed.Deployments.Sum(d => d.Status?.Replicas ?? 0);
        var ready = observed.Deployments.Sum(d => d.Status?.ReadyReplicas ?? 0);
        var stableDeployment = observed.Deployments.FirstOrDefault(d => RevisionOf(d) == stable);
        var stableReady = stableDeployment?.Status?.ReadyReplicas ?? 0;
        var othersRunning = observed.Deployments.Any(d => RevisionOf(d) != stable && ((d.Spec?.Replicas ?? 0) > 0 || (d.Status?.Replicas ?? 0) > 0));
        var settled = stage == RolloutStage.Stable && stableDeployment is not null && !othersRunning && stableReady >= desired
            && (stableDeployment.Status?.ObservedGeneration ?? 0) >= (stableDeployment.Metadata.Generation ?? 0);
        var focus = canary ?? (stage == RolloutStage.Deploying ? observed.SpecRevision : stable ?? observed.SpecRevision);
        var previousPhase = md.Status?.Phase;

        status.ObservedGeneration = generation;
        status.Replicas = replicas;
        status.ReadyReplicas = ready;
        status.DesiredReplicas = desired;
        status.Ready = $"{ready}/{desired}";
        status.ModelName = ModelServerPodTemplate.ModelName(md);
        status.ModelVersion = md.Spec.Model.Version;
        status.Selector = ModelDeploymentLabels.Selector(md.Metadata.Name);
        status.Url = $"http://{md.Metadata.Name}.{md.Metadata.NamespaceProperty}.svc.cluster.local/v2/models/{ModelServerPodTemplate.ModelName(md)}";

        var rollbackText = status.LastRollback is { } last ? $"rolled back from {last.From} to {last.To}: {last.Reason}" : "rolled back";
        var conditions = Conditions.Set(status.Conditions, SpecValid, true, "Valid", "spec passed validation", generation, now);
        conditions = stage == RolloutStage.RolledBack
            ? Conditions.Set(conditions, Ready, false, RolledBack,
                $"revision {observed.SpecRevision} is not serving ({rollbackText}); {ready}/{desired} replicas of {stable} ready", generation, now)
            : Conditions.Set(conditions, Ready, ready >= desired && desired > 0 || desired == 0 && settled,
                ready >= desired ? "AllReplicasReady" : "ReplicasNotReady", $"{ready}/{desired} replicas ready", generation, now);

        var overdue = stage == RolloutStage.Deploying && ready < desired
            && Rollouts.RolloutEngine.FirstDeployOverdue(status, observed.SpecRevision, md.Spec.Rollout, now);
        var overdueMessage = overdue
            ? $"revision {observed.SpecRevision} not ready within progressDeadlineSeconds ({Rollouts.RolloutEngine.ProgressDeadline(md.Spec.Rollout).TotalSeconds:0}s): {ready}/{desired} ready"
            : "";
        var (progressing, progressReason, progressMessage) = overdue
            ? ("False", "ProgressDeadlineExceeded", overdueMessage)
            : Progress(observed, stage, settled, stable, canary, status);
        conditions = Conditions.Set(conditions, new V1Condition
        {
            Type = Progressing,
            Status = progressing,
            Reason = progressReason,
            Message = Truncate(progressMessage),
            ObservedGeneration = generation,
        }, now);

        // Degraded means pods that served stopped serving: fewer ready than the last status counted, or still short
        // after that. A scale-up (the autoscaler's or a new spec.replicas) only waits for new pods: Progressing,
        // never Degraded, which kstatus would read as Stalled and Argo CD as a failure on every scale-up.
        var lostReplicas = stage == RolloutStage.Stable && !settled && !othersRunning && ready < desired
            && (previousPhase == ModelDeploymentPhase.Degraded || previousPhase == ModelDeploymentPhase.Ready && ready < (md.Status?.ReadyReplicas ?? 0));
        var (degraded, degradedReason, degradedMessage) = stage switch
        {
            RolloutStage.RolledBack => (true, RolledBack, $"spec revision {observed.SpecRevision} failed; {rollbackText}"),
            RolloutStage.Held => (true, "CanaryHeld", $"canary {canary} failed its analysis and waits for promote or abort"),
            _ when lostReplicas => (true, "ReplicasUnavailable", $"only {ready}/{desired} replicas ready"),
            _ when overdue => (true, "ProgressDeadlineExceeded", overdueMessage),
            _ => (false, "AsExpected", "no replica missing"),
        };
        conditions = Conditions.Set(conditions, Degraded, degraded, degradedReason, Truncate(degradedMessage), generation, now);

        var (loaded, loadReason, loadMessage) = ModelLoadState(observed.Pods, focus, observed.LoadFailures ?? []);
        conditions = Conditions.Set(conditions, new V1Condition
        {
            Type = ModelLoaded,
            Status = loaded,
            Reason = loadReason,
            Message = loadMessage,
            ObservedGeneration = generation,
        }, now);

        var previousRolledBack = Conditions.Find(conditions, RolledBack);
        conditions = rollout.RolledBack switch
        {
            true => Conditions.Set(conditions, RolledBack, true, RolledBack, Truncate(rollbackText), generation, now),
            false => Conditions.Set(conditions, RolledBack, false, "NoRollback", "no rollback in force", generation, now),
            null when previousRolledBack is null => Conditions.Set(conditions, RolledBack, false, "NoRollback", "no rollback in force", generation, now),
            null => Conditions.Set(conditions, previousRolledBack with { ObservedGeneration = generation }, now),
        };
        status.Conditions = conditions;

        status.Phase = stage switch
        {
            RolloutStage.RolledBack => ModelDeploymentPhase.RolledBack,
            RolloutStage.Held => ModelDeploymentPhase.Degraded,
            RolloutStage.Stable when settled => ModelDeploymentPhase.Ready,
            RolloutStage.Stable when lostReplicas => ModelDeploymentPhase.Degraded,
            RolloutStage.Deploying when overdue => ModelDeploymentPhase.Degraded,
            RolloutStage.Deploying when ready == 0 && loaded != "False" => ModelDeploymentPhase.Pending,
            _ => ModelDeploymentPhase.Progressing,
        };
        return status;
    }

    private static (string Status, string Reason, string Message) Progress(
        ModelDeploymentObservation observed, RolloutStage stage, bool settled, string? stable, string? canary, ModelDeploymentStatus status)
    {
        var desired = observed.DesiredReplicas;
        var readyOf = (string? revision) => observed.Deployments.FirstOrDefault(d => RevisionOf(d) == revision)?.Status?.ReadyReplicas ?? 0;
        switch (stage)
        {
            case RolloutStage.Stable when settled:
                return ("False", "RevisionAvailable", $"revision {stable} serves all traffic");
            case RolloutStage.Stable when CreateRefused(observed.Deployments, stable) is { } refused:
                return ("True", "FailedCreate", $"revision {stable}: {readyOf(stable)}/{desired} ready; {refused}");
            case RolloutStage.Stable:
                return ("True", "ReplicasStarting", $"revision {stable}: {readyOf(stable)}/{desired} ready");
            case RolloutStage.Deploying:
                var refusedNew = CreateRefused(observed.Deployments, observed.SpecRevision);
                var unschedulable = Unschedulable(observed.Pods, observed.SpecRevision);
                var waiting = refusedNew ?? unschedulable;
                return ("True", refusedNew is not null ? "FailedCreate" : unschedulable is null ? "ReplicasStarting" : "Unschedulable",
                    $"rolling out revision {observed.SpecRevision}: {readyOf(observed.SpecRevision)}/{desired} ready" + (waiting is null ? "" : $"; {waiting}"));
            case RolloutStage.Canary:
                var steps = Rollouts.RolloutEngine.Steps(observed.ModelDeployment.Spec.Rollout);
                var step = status.CurrentStep ?? 0;
                var analysis = status.LastAnalysis is { } last ? $"; last analysis {last.Result}: {last.Message}" : "";
                var canaryPods = Rollouts.CanaryReplicas.Canary(desired, status.CanaryWeight ?? 0);
                var message = $"canary {canary} at step {step + 1} of {steps.Count}, weight {status.CanaryWeight}%{RealShare(canaryPods, desired, status.CanaryWeight ?? 0)}: "
                    + $"{readyOf(canary)}/{canaryPods} canary pods ready{analysis}";
                if (CreateRefused(observed.Deployments, canary) is { } refusedCanary)
                {
                    return ("True", "FailedCreate", $"{message}; {refusedCanary}");
                }

                var stuck = Unschedulable(observed.Pods, canary!);
                if (stuck is not null && stuck.Contains("Insufficient", StringComparison.Ordinal) && GpuResource(observed.ModelDeployment) is { } gpu
                    && stuck.Contains(gpu, StringComparison.Ordinal))
                {
                    return ("True", "InsufficientGpuForCanary",
                        $"no node has the free {gpu} for even one canary pod ({stuck}); strategy Recreate frees the stable revision's GPUs first. {message}");
                }

                return ("True", stuck is null ? "CanaryProgressing" : "Unschedulable", stuck is null ? message : $"{message}; {stuck}");
            case RolloutStage.Recreating:
                return ("True", "Recreating", $"strategy Recreate: revision {stable} scaled to 0, then revision {canary} starts: {readyOf(canary)}/{desired} ready");
            case RolloutStage.Paused:
                return ("Unknown", "Paused", canary is null
                    ? $"spec.paused: revision {observed.SpecRevision} waits to start"
                    : $"spec.paused: canary {canary} frozen at step {(status.CurrentStep ?? 0) + 1}, weight {status.CanaryWeight}%");
            case RolloutStage.Held:
                return ("False", "AnalysisFailed", $"canary {canary} failed its analysis; autoRollback is off: annotate aioperator.dev/promote or aioperator.dev/abort");
            default:
                return ("False", RolledBack, $"revision {observed.SpecRevision} failed and is not retried until the spec names another revision");
        }
    }

    // Traffic follows replica counts, so a small total rounds the weight to whole pods (and never below one):
    // the share the canary really gets is said whenever it is not the step's weight.
    private static string RealShare(int canaryPods, int total, int weight)
    {
        if (total <= 0)
        {
            return "";
        }

        var share = (int)Math.Round(canaryPods * 100.0 / total, MidpointRounding.AwayFromZero);
        return share == weight ? "" : $" ({canaryPods} of {total} replicas: {share}% of traffic)";
    }

    private static string? GpuResource(ModelDeployment md) =>
        md.Spec.Resources?.Gpu is { Count: > 0 } gpu ? gpu.ResourceName ?? "nvidia.com/gpu" : null;

    public static string? RevisionOf(V1Deployment deployment) =>
        deployment.Metadata.Labels is { } labels && labels.TryGetValue(ModelDeploymentLabels.Revision, out var revision) ? revision : null;

    // A revision whose pods the API server refuses (PodSecurity, a quota, a LimitRange) never gets one; the
    // Deployment's ReplicaFailure condition carries the refusal in the API server's words.
    private static string? CreateRefused(IReadOnlyList<V1Deployment> deployments, string? revision)
    {
        var failure = deployments.FirstOrDefault(d => RevisionOf(d) == revision)?.Status?.Conditions?
            .FirstOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True");
        return failure is null ? null : Truncate($"pods cannot be created: {failure.Message}");
    }

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

    private static string Truncate(string text) => text.Length <= 1024 ? text : text[..1021] + "...";

    private static ModelDeploymentStatus Copy(ModelDeploymentStatus? status) =>
        status is null ? new ModelDeploymentStatus() : ObjectCopy.Clone(status);
}
