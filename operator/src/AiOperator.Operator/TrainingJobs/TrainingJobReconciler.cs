using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Events;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Status;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>
/// Converges one TrainingJob: validate → observe its worker pods → <see cref="GangDecision"/> → write status
/// first, then delete and create pods. Reads come from informer caches only.
/// </summary>
internal sealed partial class TrainingJobReconciler(
    IResourceCache<TrainingJob> trainingJobs,
    IResourceCache<V1Pod> pods,
    IResourceCache<V1Service> services,
    ResourceWriter writer,
    StatusWriter statusWriter,
    IEventRecorder events,
    string outputReaderImage,
    TimeProvider timeProvider,
    ILogger<TrainingJobReconciler> logger) : IReconciler
{
    private readonly CreateExpectations _expectations = new(timeProvider);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var job = trainingJobs.Get(key.Namespace, key.Name);
        if (job is null || job.Metadata.DeletionTimestamp is not null)
        {
            // Pods and the Service carry ownerReferences: garbage collection removes them.
            if (job is not null)
            {
                _expectations.Forget(job.Metadata.Uid);
            }

            return ReconcileResult.Done;
        }

        var now = timeProvider.GetUtcNow();
        if (!TrainingJobStatusProjection.IsFinished(job.Status) && TrainingJobValidator.Validate(job) is { Count: > 0 } errors)
        {
            var message = string.Join("; ", errors);
            var previous = Conditions.Find(job.Status?.Conditions, TrainingJobStatusProjection.SpecValid);
            if (previous?.Status != "False" || previous.Message != message)
            {
                events.Record(job, EventRecorder.Warning, "InvalidSpec", message);
                LogInvalid(key.Namespace, key.Name, message);
            }

            await statusWriter.UpdateAsync(job, KstatusConditions.Apply(TrainingJobStatusProjection.Invalid(job, errors, now), job.Metadata.Generation, now), cancellationToken);
            return ReconcileResult.Done;
        }

        var workers = pods.ListByLabel(key.Namespace, TrainingJobLabels.TrainingJob, job.Metadata.Name)
            .Where(p => p.Metadata.OwnerReferences?.Any(o => o.Uid == job.Metadata.Uid && o.Controller == true) == true)
            .Select(WorkerState.From)
            .OfType<WorkerState>()
            .ToList();
        var attempt = job.Status?.Attempt ?? 0;
        var inFlight = _expectations.InFlight(job.Metadata.Uid, attempt, workers.Where(w => w.Gang == attempt).Select(w => w.Rank));
        var readerPod = pods.Get(key.Namespace, TrainingJobChildren.OutputReaderName(job));
        var reader = readerPod?.Metadata.OwnerReferences?.Any(o => o.Uid == job.Metadata.Uid && o.Controller == true) == true ? OutputReaderState.From(readerPod) : null;
        var refused = _expectations.RefusalOf(job.Metadata.Uid, attempt);
        var templateHash = TrainingJobChildren.TemplateHash(job);
        var plan = GangDecision.Decide(new GangObservation(job, workers, inFlight, reader, refused, templateHash), now);

        // Status first: it is guarded by the cached resourceVersion, so a plan made from a stale copy fails here (409, retried) before it touches a pod.
        await statusWriter.UpdateAsync(job, KstatusConditions.Apply(plan.Status, job.Metadata.Generation, now), cancellationToken);

        // A plan that creates pods tells so once the API server has taken them: a refused create is told as
        // FailedCreate by the next reconcile, and "created" before it would be untrue.
        if (plan.CreateRanks.Count == 0)
        {
            RecordEvents(job, plan);
        }

        if (plan.DeleteJob)
        {
            LogTtlDeleted(key.Namespace, key.Name);
            await writer.DeleteAsync<TrainingJob>(key.Namespace, key.Name, cancellationToken);
            _expectations.Forget(job.Metadata.Uid);
            return ReconcileResult.Done;
        }

        var gang = plan.Status.Attempt ?? 0;
        if (plan.EnsureService && await EnsureServiceAsync(job, cancellationToken) is { } serviceFailure)
        {
            if (plan.CreateRanks.Count > 0)
            {
                // Workers find each other through this Service: a gang made without it could only fail, spending a restart.
                _expectations.Refused(job.Metadata.Uid, new GangCreateRefusal(gang, $"Service {TrainingEnvironment.ServiceName(job.Metadata.Name)}", serviceFailure));
                return ReconcileResult.RequeueWithBackoff;
            }

            // A running gang already found its peers; taking it down over the Service would cost the job its progress.
            LogServiceRefused(key.Namespace, key.Name, serviceFailure.Message);
        }

        foreach (var name in plan.DeletePods)
        {
            await writer.DeleteAsync<V1Pod>(key.Namespace, name, cancellationToken);
        }

        foreach (var rank in plan.CreateRanks)
        {
            var pod = TrainingJobChildren.WorkerPod(job, rank, gang, templateHash);
            try
            {
                await writer.CreateAsync(pod, cancellationToken);
            }
            catch (KubeApiException e) when (e.IsConflict && IsOwnWorker(job, pods.Get(key.Namespace, pod.Metadata.Name), gang))
            {
                // This gang's pod, made by an earlier reconcile: it counts as created.
            }
            catch (KubeApiException e) when (ChildWriteFailure.Classify(e, TrainingJob.KindName) is { } failure)
            {
                // The rest of the gang would be refused alike; the next reconcile reports it and plans the retry.
                _expectations.Refused(job.Metadata.Uid, new GangCreateRefusal(gang, $"worker pod {pod.Metadata.Name}", failure));
                LogCreateRefused(key.Namespace, key.Name, pod.Metadata.Name, e.StatusCode, failure.Message);
                return ReconcileResult.RequeueWithBackoff;
            }

            _expectations.Created(job.Metadata.Uid, gang, rank);
        }

        if (plan.CreateOutputReader)
        {
            try
            {
                await writer.CreateAsync(TrainingJobChildren.OutputReaderPod(job, outputReaderImage), cancellationToken);
                LogReaderCreated(key.Namespace, key.Name);
            }
            catch (KubeApiException e) when (e.IsConflict)
            {
                // Created by an earlier reconcile the cache has not shown yet, or a pod of that name not ours: the timeout covers the latter.
            }
        }

        if (plan.CreateRanks.Count > 0)
        {
            RecordEvents(job, plan);
            LogGangCreated(key.Namespace, key.Name, gang, plan.CreateRanks.Count);
        }

        return plan.RequeueAfter is { } after ? ReconcileResult.After(after) : ReconcileResult.Done;
    }

    // Anything else under a worker's name (a pod of someone else's, or one left by `kubectl delete --cascade=orphan`)
    // is a name conflict: taking it for our worker would wait on a pod that never joins the gang.
    private static bool IsOwnWorker(TrainingJob job, V1Pod? cached, int gang) =>
        cached?.Metadata.OwnerReferences?.Any(o => o.Uid == job.Metadata.Uid && o.Controller == true) == true
        && WorkerState.From(cached) is { } worker && worker.Gang == gang;

    /// <summary>Creates or corrects the rendezvous Service; what stands in its way, or null once it is ours and as desired.</summary>
    private async Task<ChildWriteFailure?> EnsureServiceAsync(TrainingJob job, CancellationToken cancellationToken)
    {
        var service = TrainingJobChildren.Service(job);
        var existing = services.Get(job.Metadata.NamespaceProperty, service.Metadata.Name);
        if (existing is not null && existing.Metadata.OwnerReferences?.Any(o => o.Uid == job.Metadata.Uid && o.Controller == true) != true)
        {
            // Another owner's object under our label (ours would carry our ownerReference): never overwritten.
            return ChildWriteFailure.Conflicting([$"Service {service.Metadata.Name}"], TrainingJob.KindName);
        }

        try
        {
            await writer.CreateOrPatchAsync(service, existing, cancellationToken);
            return null;
        }
        catch (KubeApiException e) when (ChildWriteFailure.Classify(e, TrainingJob.KindName) is { } failure)
        {
            // Without our label the object is not cached: the create meets it as AlreadyExists (NameConflict).
            return failure;
        }
    }

    private void RecordEvents(TrainingJob job, GangPlan plan)
    {
        foreach (var planned in plan.Events)
        {
            events.Record(job, planned.Type, planned.Reason, planned.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TrainingJob {Namespace}/{Name} refused: {Problems}")]
    private partial void LogInvalid(string @namespace, string name, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TrainingJob {Namespace}/{Name}: the API server refused worker pod {Pod} ({Code}): {Problem}")]
    private partial void LogCreateRefused(string @namespace, string name, string pod, int code, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TrainingJob {Namespace}/{Name}: its rendezvous Service could not be written: {Problem}")]
    private partial void LogServiceRefused(string @namespace, string name, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "TrainingJob {Namespace}/{Name}: created gang {Gang} of {Workers} workers")]
    private partial void LogGangCreated(string @namespace, string name, int gang, int workers);

    [LoggerMessage(Level = LogLevel.Information, Message = "TrainingJob {Namespace}/{Name}: rank 0 reported no result, created the output reader pod")]
    private partial void LogReaderCreated(string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "TrainingJob {Namespace}/{Name}: deleted, ttlSecondsAfterFinished has passed")]
    private partial void LogTtlDeleted(string @namespace, string name);
}
