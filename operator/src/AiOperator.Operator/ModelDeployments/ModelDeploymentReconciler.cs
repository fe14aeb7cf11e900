using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Events;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Monitoring;
using AiOperator.Operator.Rollouts;
using AiOperator.Operator.Status;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>
/// Converges one ModelDeployment: validate → rollout decision (replicas per revision) → Deployments, Services
/// and PDB, writing only what differs → status. Reads come from informer caches only; decisions are the pure functions beside this file.
/// </summary>
internal sealed partial class ModelDeploymentReconciler(
    IResourceCache<ModelDeployment> modelDeployments,
    IResourceCache<V1Deployment> deployments,
    IResourceCache<V1Service> services,
    IResourceCache<V1PodDisruptionBudget> disruptionBudgets,
    IResourceCache<V1Pod> pods,
    IResourceCache<TrainingJob> trainingJobs,
    IRevisionMetrics revisionMetrics,
    ResourceWriter writer,
    StatusWriter statusWriter,
    IEventRecorder events,
    IModelLoadFailures loadFailures,
    OperatorOptions options,
    TimeProvider timeProvider,
    ILogger<ModelDeploymentReconciler> logger) : IReconciler
{
    // Keys whose children the API server refused (name conflict, invalid, forbidden): left alone until the
    // retry time or a spec change, so pod and status events do not turn into a stream of refused creates.
    private readonly ConcurrentDictionary<ObjectKey, (long? Generation, DateTimeOffset Until)> _refused = new();

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_refused.TryGetValue(key, out var refused) && now < refused.Until
            && modelDeployments.Get(key.Namespace, key.Name)?.Metadata.Generation == refused.Generation)
        {
            return ReconcileResult.After(refused.Until - now);
        }

        try
        {
            var result = await ConvergeAsync(key, cancellationToken);
            _refused.TryRemove(key, out _);
            return result;
        }
        catch (KubeApiException ex) when (ChildWriteFailure.Classify(ex, ModelDeployment.KindName) is { } failure && modelDeployments.Get(key.Namespace, key.Name) is { } md)
        {
            var retry = await ReportWriteFailureAsync(md, ex, failure, cancellationToken);
            if (failure.Transient)
            {
                throw;
            }

            _refused[key] = (md.Metadata.Generation, now + retry);
            return ReconcileResult.After(retry);
        }
    }

    private async Task<ReconcileResult> ConvergeAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var md = modelDeployments.Get(key.Namespace, key.Name);
        if (md is null || md.Metadata.DeletionTimestamp is not null)
        {
            // Children carry ownerReferences: garbage collection removes them, no finalizer needed.
            return ReconcileResult.Done;
        }

        var now = timeProvider.GetUtcNow();
        var errors = ModelDeploymentValidator.Validate(md);
        if (errors.Count > 0)
        {
            var invalid = ModelDeploymentStatusProjection.Invalid(md, errors, now);
            var previous = md.Status?.Conditions?.FirstOrDefault(c => c.Type == ModelDeploymentStatusProjection.SpecValid);
            var message = string.Join("; ", errors);
            if (previous?.Status != "False" || previous.Message != message)
            {
                events.Record(md, EventRecorder.Warning, "InvalidSpec", message);
                LogInvalid(key.Namespace, key.Name, message);
            }

            await statusWriter.UpdateAsync(md, KstatusConditions.Apply(invalid, md.Metadata.Generation, now), cancellationToken);
            return ReconcileResult.Done;
        }

        // fromTrainingJob: from here on md names the job output that last passed the gate (same metadata and status).
        var from = md.Spec.Model.FromTrainingJob;
        (md, var accepted, var gateFailure) = TrainingJobModelSource.Resolve(md, from is null ? null : trainingJobs.Get(key.Namespace, from.Name));
        if (gateFailure is not null && Conditions.Find(md.Status?.Conditions, ModelDeploymentStatusProjection.ModelLoaded)?.Message?.StartsWith(gateFailure, StringComparison.Ordinal) != true)
        {
            events.Record(md, EventRecorder.Warning, "GateFailed", gateFailure);
        }

        var modelUri = md.Spec.Model.Uri;
        if (string.IsNullOrEmpty(modelUri))
        {
            // Until the job has an output that passes the gate there is nothing to serve.
            await statusWriter.UpdateAsync(md, KstatusConditions.Apply(TrainingJobModelSource.WithSource(WaitingForModel(md, now), accepted, gateFailure, md.Metadata.Generation, now), md.Metadata.Generation, now), cancellationToken);
            return ReconcileResult.Done;
        }

        var template = ModelServerPodTemplate.Render(md, modelUri, options.ModelServerImage);
        var revision = RevisionName.Compute(md.Spec.Model.Version, template);
        if (await AdoptOrphansAsync(md, revision, cancellationToken))
        {
            // The adopted children's watch events bring the next reconcile, which sees them as ours.
            return ReconcileResult.After(TimeSpan.FromSeconds(1));
        }

        var total = ReplicaTotal.Of(md);
        var modelPods = pods.ListByLabel(key.Namespace, ModelDeploymentLabels.ModelDeployment, md.Metadata.Name);
        var owned = deployments.ListByOwner(md.Metadata.Uid)
            .Where(d => ModelDeploymentStatusProjection.RevisionOf(d) is not null)
            .ToList();

        var decision = RolloutEngine.Decide(new RolloutInput(
            md.Spec, md.Status, revision, md.Spec.Model.Version, total,
            [.. owned.Select(d => Observe(d, modelPods))],
            RolloutCommands.Parse(md.Metadata.Annotations),
            CanaryWindow(md),
            now));

        // Commands are acted on at most once: the annotation goes before anything it caused is written.
        if (decision.RemoveAnnotations.Count > 0)
        {
            var annotations = new JsonObject();
            foreach (var annotation in decision.RemoveAnnotations)
            {
                annotations[annotation] = null;
            }

            // The status write below is guarded by resourceVersion: it must carry the one this patch produced.
            md = await writer.PatchAsync<ModelDeployment>(key.Namespace, key.Name, new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = annotations } }, cancellationToken);
        }

        var live = new List<V1Deployment>();
        foreach (var (name, replicas) in decision.Replicas)
        {
            var existing = owned.FirstOrDefault(d => ModelDeploymentStatusProjection.RevisionOf(d) == name);
            if (name == revision && (existing is not null || replicas > 0))
            {
                var wanted = ModelDeploymentChildren.Deployment(md, revision, template, replicas);
                var written = await writer.CreateOrPatchAsync(wanted, existing, cancellationToken);
                if (written.Outcome == WriteOutcome.Created)
                {
                    events.Record(md, EventRecorder.Normal, "RevisionCreated", $"created Deployment {wanted.Metadata.Name} for revision {revision}");
                    LogRevisionCreated(key.Namespace, key.Name, revision);
                }

                live.Add(written.Object);
            }
            else if (existing is not null)
            {
                // Other revisions keep the template they were created with; only their size changes.
                var scaled = ObjectCopy.Clone(existing);
                scaled.Spec.Replicas = replicas;
                var written = await writer.CreateOrPatchAsync(scaled, existing, cancellationToken);
                if (written.Outcome == WriteOutcome.Patched)
                {
                    LogScaled(key.Namespace, key.Name, name, replicas);
                }

                live.Add(written.Object);
            }
        }

        foreach (var old in owned.Where(d => !decision.Replicas.ContainsKey(ModelDeploymentStatusProjection.RevisionOf(d)!)))
        {
            // Trimmed from status.revisions: history keeps no Deployment beyond revisionHistoryLimit.
            await writer.DeleteAsync<V1Deployment>(old.Metadata.NamespaceProperty, old.Metadata.Name, cancellationToken);
            events.Record(md, EventRecorder.Normal, "RevisionDeleted", $"revision {ModelDeploymentStatusProjection.RevisionOf(old)} left the history; Deployment {old.Metadata.Name} deleted");
        }

        var conflicts = new List<string>();
        await ConvergeServicesAsync(md, decision.Canary, conflicts, cancellationToken);

        var budget = ModelDeploymentChildren.DisruptionBudget(md, total);
        var existingBudget = disruptionBudgets.Get(key.Namespace, md.Metadata.Name);
        if (!IsOwnedOrAbsent(existingBudget, md))
        {
            if (budget is not null)
            {
                conflicts.Add($"PodDisruptionBudget {existingBudget!.Metadata.Name}");
            }
        }
        else if (budget is not null)
        {
            await writer.CreateOrPatchAsync(budget, existingBudget, cancellationToken);
        }
        else if (existingBudget is not null)
        {
            await writer.DeleteAsync<V1PodDisruptionBudget>(key.Namespace, existingBudget.Metadata.Name, cancellationToken);
        }

        var observation = new ModelDeploymentObservation(md, revision, total, live, modelPods, decision, loadFailures.For(key.Namespace, md.Metadata.Name));
        var status = TrainingJobModelSource.WithSource(ModelDeploymentStatusProjection.Compute(observation, now), accepted, gateFailure, md.Metadata.Generation, now);
        var conflict = ChildWriteFailure.Conflicting(conflicts, ModelDeployment.KindName);
        status.Conditions = conflict is null ? ChildWriteFailure.Cleared(status.Conditions) : conflict.SetOn(status.Conditions, md.Metadata.Generation, now);
        if (conflicts.Contains($"Service {md.Metadata.Name}"))
        {
            status = ModelDeploymentStatusProjection.ServiceMissing(status, conflict!.Reason, conflict.Message, md.Metadata.Generation, now);
        }

        await statusWriter.UpdateAsync(md, KstatusConditions.Apply(status, md.Metadata.Generation, now), cancellationToken);

        // Events that tell a change of state are recorded once its status is written. A reconcile that ran on a
        // stale copy of the object decides the same step again, but its status write fails (409, retried), so the
        // step is told once (twice, each Event would use the object's Event budget and mislead a reader).
        foreach (var rolloutEvent in decision.Events)
        {
            events.Record(md, rolloutEvent.Type, rolloutEvent.Reason, rolloutEvent.Message);
            LogRollout(key.Namespace, key.Name, rolloutEvent.Reason, rolloutEvent.Message);
        }

        if (status.Phase == ModelDeploymentPhase.Ready && md.Status?.Phase != ModelDeploymentPhase.Ready)
        {
            events.Record(md, EventRecorder.Normal, "Ready", $"revision {status.StableRevision}: all {status.DesiredReplicas} desired replicas ready");
        }

        // A name conflict likewise: an Event on every reconcile would crowd out the rollout's own Events.
        if (conflict is not null && !conflict.IsReportedIn(md.Status?.Conditions))
        {
            events.Record(md, EventRecorder.Warning, conflict.Reason, conflict.Message);
            LogWriteFailure(key.Namespace, key.Name, conflict.Reason, conflict.Message);
        }

        // Another owner's object goes away with no event for us (its watch events go to its owner): look again
        // on the capped schedule a refused write gets, so the condition clears and our child appears by itself.
        var after = conflict is null ? decision.RequeueAfter : Earliest(decision.RequeueAfter, ChildWriteFailure.RetryAfter(md.Status?.Conditions, now));
        return after is { } wait ? ReconcileResult.After(wait) : ReconcileResult.Done;
    }

    private static TimeSpan? Earliest(TimeSpan? a, TimeSpan b) => a is { } first && first < b ? first : b;

    // The Service selects every live revision (traffic follows ready pods); <name>-canary the canary alone while
    // one runs. A same-named Service of someone else's goes into conflicts when we need that name, and only then.
    private async Task ConvergeServicesAsync(ModelDeployment md, string? canary, List<string> conflicts, CancellationToken cancellationToken)
    {
        var ns = md.Metadata.NamespaceProperty;
        var service = ModelDeploymentChildren.Service(md);
        var existingService = services.Get(ns, service.Metadata.Name);
        if (IsOwnedOrAbsent(existingService, md))
        {
            await writer.CreateOrPatchAsync(service, existingService, cancellationToken);
        }
        else
        {
            conflicts.Add($"Service {service.Metadata.Name}");
        }

        var canaryName = ModelDeploymentChildren.CanaryServiceName(md.Metadata.Name);
        var existingCanary = services.Get(ns, canaryName);
        if (!IsOwnedOrAbsent(existingCanary, md))
        {
            if (canary is not null)
            {
                conflicts.Add($"Service {canaryName}");
            }

            return;
        }

        if (canary is not null)
        {
            await writer.CreateOrPatchAsync(ModelDeploymentChildren.CanaryService(md, canary), existingCanary, cancellationToken);
        }
        else if (existingCanary is not null)
        {
            await writer.DeleteAsync<V1Service>(ns, canaryName, cancellationToken);
        }
    }

    // The names this spec needs now: the revision's Deployment, both Services and the budget. An orphan of an older
    // revision blocks nothing and is left as it is.
    private async Task<bool> AdoptOrphansAsync(ModelDeployment md, string revision, CancellationToken cancellationToken)
    {
        var ns = md.Metadata.NamespaceProperty;
        var orphans = new IKubernetesObject<V1ObjectMeta>?[]
        {
            deployments.Get(ns, ModelDeploymentChildren.DeploymentName(md.Metadata.Name, revision)),
            services.Get(ns, md.Metadata.Name),
            services.Get(ns, ModelDeploymentChildren.CanaryServiceName(md.Metadata.Name)),
            disruptionBudgets.Get(ns, md.Metadata.Name),
        }.Where(o => ChildAdoption.IsOrphanOf(o, md)).Select(o => o!).ToList();
        if (orphans.Count == 0)
        {
            return false;
        }

        // The cache may still show an object deleted with --cascade=orphan a moment ago: adopting for it would
        // hand the children to an owner that is gone, and garbage collection would then delete them.
        var live = await writer.GetLiveAsync<ModelDeployment>(ns, md.Metadata.Name, cancellationToken);
        if (live is null || live.Metadata.Uid != md.Metadata.Uid || live.Metadata.DeletionTimestamp is not null)
        {
            return true;
        }

        foreach (var orphan in orphans)
        {
            var patch = ChildAdoption.Patch(orphan, md);
            var name = orphan.Metadata.Name;
            var kind = orphan switch
            {
                V1Deployment => await PatchAs<V1Deployment>("Deployment"),
                V1Service => await PatchAs<V1Service>("Service"),
                _ => await PatchAs<V1PodDisruptionBudget>("PodDisruptionBudget"),
            };
            events.Record(md, EventRecorder.Normal, "Adopted", $"adopted {kind} {name}, left without an owner by an earlier ModelDeployment of this name");
            LogAdopted(ns, md.Metadata.Name, kind, name);

            async Task<string> PatchAs<T>(string kindName)
                where T : class, IKubernetesObject<V1ObjectMeta>
            {
                await writer.PatchAsync<T>(ns, name, patch, cancellationToken);
                return kindName;
            }
        }

        return true;
    }

    private static ObservedRevision Observe(V1Deployment deployment, IReadOnlyList<V1Pod> modelPods)
    {
        var name = ModelDeploymentStatusProjection.RevisionOf(deployment)!;
        var podCount = modelPods.Count(p => p.Metadata.Labels?.TryGetValue(ModelDeploymentLabels.Revision, out var r) == true && r == name);
        return new ObservedRevision(name, deployment.Spec?.Replicas ?? 0, deployment.Status?.ReadyReplicas ?? 0, podCount);
    }

    private Monitoring.RevisionMetrics? CanaryWindow(ModelDeployment md) =>
        md.Status?.CanaryRevision is { Length: > 0 } canary
            ? revisionMetrics.Snapshot(md.Metadata.NamespaceProperty, md.Metadata.Name, canary, CanaryAnalysis.Window(md.Spec.Rollout?.Analysis))
            : null;

    // A write the API server keeps refusing is told on the object (condition and Event, once per change) and
    // retried on a capped schedule; a transient one goes back to the queue's backoff after being recorded.
    private async Task<TimeSpan> ReportWriteFailureAsync(ModelDeployment md, KubeApiException refused, ChildWriteFailure failure, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var previous = Conditions.Find(md.Status?.Conditions, ChildWriteFailure.ConditionType);
        if (previous?.Status != "False" || previous.Reason != failure.Reason || previous.Message != failure.Message)
        {
            events.Record(md, EventRecorder.Warning, failure.Reason, failure.Message);
            LogWriteFailure(md.Metadata.NamespaceProperty, md.Metadata.Name, failure.Reason, failure.Message);
        }

        try
        {
            var status = ObjectCopy.Clone(md.Status ?? new ModelDeploymentStatus());
            status.Phase ??= ModelDeploymentPhase.Pending;
            status.Conditions = failure.SetOn(status.Conditions, md.Metadata.Generation, now);
            if (refused.Status?.Details is { Kind: "services" } details && details.Name == md.Metadata.Name)
            {
                status = ModelDeploymentStatusProjection.ServiceMissing(status, failure.Reason, failure.Message, md.Metadata.Generation, now);
            }

            await statusWriter.UpdateAsync(md, KstatusConditions.Apply(status, md.Metadata.Generation, now), cancellationToken);
        }
        catch (KubeApiException ex) when (failure.Transient)
        {
            // The API server is failing writes: the status write may fail too; the queue retries either way.
            LogStatusNotWritten(md.Metadata.NamespaceProperty, md.Metadata.Name, ex.StatusCode);
        }

        return ChildWriteFailure.RetryAfter(md.Status?.Conditions, now);
    }

    // A same-named object someone else owns is never adopted or overwritten.
    private static bool IsOwnedOrAbsent<T>(T? child, ModelDeployment md)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta> =>
        child is null || child.Metadata.OwnerReferences?.Any(o => o.Uid == md.Metadata.Uid && o.Controller == true) == true;

    private static ModelDeploymentStatus WaitingForModel(ModelDeployment md, DateTimeOffset now)
    {
        var status = ObjectCopy.Clone(md.Status ?? new ModelDeploymentStatus());
        var generation = md.Metadata.Generation;
        status.ObservedGeneration = generation;
        status.Phase = ModelDeploymentPhase.Pending;
        status.ModelName = ModelServerPodTemplate.ModelName(md);
        status.Conditions = Conditions.Set(status.Conditions, ModelDeploymentStatusProjection.SpecValid, true, "Valid", "spec passed validation", generation, now);
        status.Conditions = Conditions.Set(status.Conditions, ModelDeploymentStatusProjection.ModelLoaded, false, "WaitingForTrainingJob",
            $"waiting for TrainingJob {md.Spec.Model.FromTrainingJob?.Name} to produce a model", generation, now);
        return status;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ModelDeployment {Namespace}/{Name}: adopted orphaned {Kind} {Child}")]
    private partial void LogAdopted(string? @namespace, string name, string kind, string child);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ModelDeployment {Namespace}/{Name} refused: {Problems}")]
    private partial void LogInvalid(string @namespace, string name, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ModelDeployment {Namespace}/{Name}: {Reason}: {Problem}")]
    private partial void LogWriteFailure(string? @namespace, string @name, string reason, string problem);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ModelDeployment {Namespace}/{Name}: status not written ({Code})")]
    private partial void LogStatusNotWritten(string? @namespace, string @name, int code);

    [LoggerMessage(Level = LogLevel.Information, Message = "ModelDeployment {Namespace}/{Name}: created revision {Revision}")]
    private partial void LogRevisionCreated(string @namespace, string name, string revision);

    [LoggerMessage(Level = LogLevel.Information, Message = "ModelDeployment {Namespace}/{Name}: revision {Revision} scaled to {Replicas}")]
    private partial void LogScaled(string @namespace, string name, string revision, int replicas);

    [LoggerMessage(Level = LogLevel.Information, Message = "ModelDeployment {Namespace}/{Name}: {Reason}: {Message}")]
    private partial void LogRollout(string @namespace, string name, string reason, string message);
}
