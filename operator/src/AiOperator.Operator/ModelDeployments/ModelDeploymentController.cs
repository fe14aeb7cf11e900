using AiOperator.Api.Crds;
using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Hosting;
using AiOperator.Operator.Monitoring;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>Wires the ModelDeployment controller onto a host: its informers, reconciler, watches and CRD readiness.</summary>
internal static class ModelDeploymentController
{
    public const string Name = "modeldeployment";

    public static ModelDeploymentWiring Add(
        ControllerHost host,
        OperatorOptions options,
        ControllerHostOptions hostOptions,
        int maxConcurrentReconciles,
        TimeSpan resync,
        IRevisionMetrics revisionMetrics,
        IModelLoadFailures loadFailures,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(host);

        // Children are cached only when they carry our label: the operator's memory does not grow with the cluster.
        // The options come from OperatorInformers so the TrainingJob controller shares the same caches.
        var primaryOptions = OperatorInformers.Primary(hostOptions, resync);
        var childOptions = OperatorInformers.Children(hostOptions, resync);
        var modelDeployments = host.Informer<ModelDeployment>(primaryOptions);
        var deployments = host.Informer<V1Deployment>(childOptions);
        var services = host.Informer<V1Service>(childOptions);
        var budgets = host.Informer<V1PodDisruptionBudget>(childOptions);
        var pods = host.Informer<V1Pod>(OperatorInformers.Pods(hostOptions, resync));
        var trainingJobs = host.Informer<TrainingJob>(primaryOptions);

        var reconciler = new ModelDeploymentReconciler(
            modelDeployments.Cache, deployments.Cache, services.Cache, budgets.Cache, pods.Cache, trainingJobs.Cache, revisionMetrics,
            host.Writer, host.Status, host.Events, loadFailures, options, timeProvider, loggerFactory.CreateLogger<ModelDeploymentReconciler>());
        var controller = host.AddController<ModelDeployment>(Name, reconciler, new ControllerOptions { MaxConcurrentReconciles = maxConcurrentReconciles }, primaryOptions)
            .Owns(deployments)
            .Owns(services)
            .Owns(budgets)
            .Watches(pods, PodOwner)
            .Watches(trainingJobs, job => Followers(modelDeployments.Cache, job));
        host.RequireCrds(AiOperatorCrds.ModelDeployments.Name);
        return new ModelDeploymentWiring(controller, modelDeployments, pods);
    }

    // Pods belong to ReplicaSets; the model-deployment label leads back to the ModelDeployment.
    private static IEnumerable<ObjectKey> PodOwner(V1Pod pod) =>
        pod.Metadata.Labels?.TryGetValue(ModelDeploymentLabels.ModelDeployment, out var name) == true
            ? [new ObjectKey(pod.Metadata.NamespaceProperty ?? "", name)]
            : [];

    // A TrainingJob's output is served by the ModelDeployments in its namespace that follow it.
    private static List<ObjectKey> Followers(IResourceCache<ModelDeployment> modelDeployments, TrainingJob job) =>
        modelDeployments.List(job.Metadata.NamespaceProperty)
            .Where(md => md.Spec.Model.FromTrainingJob?.Name == job.Metadata.Name)
            .Select(md => new ObjectKey(md.Metadata.NamespaceProperty ?? "", md.Metadata.Name))
            .ToList();
}
