using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using AiOperator.ControllerRuntime.Events;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>
/// Converges one ModelDeployment: validate → desired Deployments/Service/PDB → write only what differs →
/// status. Reads come from informer caches only; decisions are the pure functions beside this file.
/// </summary>
internal sealed partial class ModelDeploymentReconciler(
    IResourceCache<ModelDeployment> modelDeployments,
    IResourceCache<V1Deployment> deployments,
    IResourceCache<V1Service> services,
    IResourceCache<V1PodDisruptionBudget> disruptionBudgets,
    IResourceCache<V1Pod> pods,
    IResourceCache<TrainingJob> trainingJobs,
    ResourceWriter writer,
    StatusWriter statusWriter,
    IEventRecorder events,
    OperatorOptions options,
    TimeProvider timeProvider,
    ILogger<ModelDeploymentReconciler> logger) : IReconciler
{
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var md = modelDeployments.Get(key.Namespace, key.Name);
        if (md is null || md.Metadata.DeletionTimestamp is not null)
        {
            // Children carry ownerReferences: garbage collection removes them, no finalizer needed.
            return ReconcileResult.Done;
        }

        var now = timeProvider.GetUtcNow();
        var errors = ModelDeploymentValidator.Validate(md.Spec);
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

            await statusWriter.UpdateAsync(md, invalid, cancellationToken);
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
            await statusWriter.UpdateAsync(md, TrainingJobModelSource.WithSource(WaitingForModel(md, now), accepted, gateFailure, md.Metadata.Generation, now), cancellationToken);
            return ReconcileResult.Done;
        }

        var template = ModelServerPodTemplate.Render(md, modelUri, options.ModelServerImage);
        var revision = RevisionName.Compute(md.Spec.Model.Version, template);
        var desired = Math.Max(0, md.Spec.Replicas ?? 1);

        var owned = deployments.ListByOwner(md.Metadata.Uid)
            .Where(d => ModelDeploymentStatusProjection.RevisionOf(d) is not null)
            .ToList();
        var current = owned.FirstOrDefault(d => ModelDeploymentStatusProjection.RevisionOf(d) == revision);
        var older = owned.Where(d => d != current)
            .OrderByDescending(d => d.Metadata.CreationTimestamp ?? DateTime.MinValue)
            .ToList();

        var plan = RevisionReplacement.Plan(desired, current?.Status?.ReadyReplicas ?? 0, [.. older.Select(d => d.Spec?.Replicas ?? 0)]);
        var wanted = ModelDeploymentChildren.Deployment(md, revision, template, plan.Current);
        var written = await writer.CreateOrPatchAsync(wanted, current, cancellationToken);
        if (written.Outcome == WriteOutcome.Created)
        {
            events.Record(md, EventRecorder.Normal, "RevisionCreated", $"created Deployment {wanted.Metadata.Name} for revision {revision}");
            LogRevisionCreated(key.Namespace, key.Name, revision);
        }

        var live = new List<V1Deployment> { written.Object };
        for (var i = 0; i < older.Count; i++)
        {
            var old = older[i];
            if (plan.Older[i] == 0)
            {
                await writer.DeleteAsync<V1Deployment>(old.Metadata.NamespaceProperty, old.Metadata.Name, cancellationToken);
                events.Record(md, EventRecorder.Normal, "RevisionRetired", $"revision {ModelDeploymentStatusProjection.RevisionOf(old)} replaced by {revision}");
                continue;
            }

            var scaled = ObjectCopy.Clone(old);
            scaled.Spec.Replicas = plan.Older[i];
            live.Add((await writer.CreateOrPatchAsync(scaled, old, cancellationToken)).Object);
        }

        var service = ModelDeploymentChildren.Service(md);
        var existingService = services.Get(key.Namespace, service.Metadata.Name);
        if (IsOwnedOrAbsent(existingService, md, "Service"))
        {
            await writer.CreateOrPatchAsync(service, existingService, cancellationToken);
        }

        var budget = ModelDeploymentChildren.DisruptionBudget(md, desired);
        var existingBudget = disruptionBudgets.Get(key.Namespace, md.Metadata.Name);
        var budgetIsOurs = IsOwnedOrAbsent(existingBudget, md, "PodDisruptionBudget");
        if (budgetIsOurs && budget is not null)
        {
            await writer.CreateOrPatchAsync(budget, existingBudget, cancellationToken);
        }
        else if (budgetIsOurs && existingBudget is not null)
        {
            await writer.DeleteAsync<V1PodDisruptionBudget>(key.Namespace, existingBudget.Metadata.Name, cancellationToken);
        }

        var observation = new ModelDeploymentObservation(md, revision, desired, live,
            pods.ListByLabel(key.Namespace, ModelDeploymentLabels.ModelDeployment, md.Metadata.Name));
        var status = TrainingJobModelSource.WithSource(ModelDeploymentStatusProjection.Compute(observation, now), accepted, gateFailure, md.Metadata.Generation, now);
        if (status.Phase == ModelDeploymentPhase.Ready && md.Status?.Phase != ModelDeploymentPhase.Ready)
        {
            events.Record(md, EventRecorder.Normal, "Ready", $"revision {revision}: {status.Ready} replicas ready");
        }

        await statusWriter.UpdateAsync(md, status, cancellationToken);
        return ReconcileResult.Done;
    }

    // A same-named object someone else owns is never adopted or overwritten.
    private bool IsOwnedOrAbsent<T>(T? child, ModelDeployment md, string kind)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta>
    {
        if (child is null || child.Metadata.OwnerReferences?.Any(o => o.Uid == md.Metadata.Uid && o.Controller == true) == true)
        {
            return true;
        }

        events.Record(md, EventRecorder.Warning, "NameConflict", $"{kind} {child.Metadata.Name} exists and is not owned by this ModelDeployment; left untouched");
        return false;
    }

    private static ModelDeploymentStatus WaitingForModel(ModelDeployment md, DateTimeOffset now)
    {
        var status = k8s.KubernetesJson.Deserialize<ModelDeploymentStatus>(k8s.KubernetesJson.Serialize(md.Status ?? new ModelDeploymentStatus()));
        var generation = md.Metadata.Generation;
        status.ObservedGeneration = generation;
        status.Phase = ModelDeploymentPhase.Pending;
        status.Conditions = Conditions.Set(status.Conditions, ModelDeploymentStatusProjection.SpecValid, true, "Valid", "spec passed validation", generation, now);
        status.Conditions = Conditions.Set(status.Conditions, ModelDeploymentStatusProjection.ModelLoaded, false, "WaitingForTrainingJob",
            $"waiting for TrainingJob {md.Spec.Model.FromTrainingJob?.Name} to produce a model", generation, now);
        return status;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ModelDeployment {Namespace}/{Name} refused: {Problems}")]
    private partial void LogInvalid(string @namespace, string name, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "ModelDeployment {Namespace}/{Name}: created revision {Revision}")]
    private partial void LogRevisionCreated(string @namespace, string name, string revision);
}
