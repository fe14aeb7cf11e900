using AiOperator.Api.Crds;
using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.ModelDeployments;
using AiOperator.Operator.TrainingJobs;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.Operator.Hosting;

/// <summary>Composes the operator: informers and controllers on one ControllerHost. Used by aiop-operator, aiop local and tests.</summary>
public static class OperatorHost
{
    public const string ModelDeploymentController = "modeldeployment";

    public static ControllerHost Build(
        IKubeApi api,
        ControllerHostOptions hostOptions,
        string modelServerImage,
        int maxConcurrentReconciles,
        ControllerMetrics metrics,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        TimeSpan? resyncPeriod = null)
    {
        ArgumentNullException.ThrowIfNull(hostOptions);
        var options = new OperatorOptions { ModelServerImage = modelServerImage };
        var host = new ControllerHost(api, hostOptions, metrics, timeProvider, loggerFactory);

        // Children are cached only when they carry our label: the operator's memory does not grow with the cluster.
        var resync = resyncPeriod ?? new InformerOptions().ResyncPeriod;
        var modelDeployments = host.Informer<ModelDeployment>(OperatorInformers.Primary(hostOptions, resync));
        var childOptions = OperatorInformers.Children(hostOptions, resync);
        var deployments = host.Informer<V1Deployment>(childOptions);
        var services = host.Informer<V1Service>(childOptions);
        var budgets = host.Informer<V1PodDisruptionBudget>(childOptions);
        var pods = host.Informer<V1Pod>(OperatorInformers.Pods(hostOptions, resync));
        var trainingJobs = host.Informer<TrainingJob>(OperatorInformers.Primary(hostOptions, resync));

        var reconciler = new ModelDeploymentReconciler(
            modelDeployments.Cache, deployments.Cache, services.Cache, budgets.Cache, pods.Cache, trainingJobs.Cache,
            host.Writer, host.Status, host.Events, options, timeProvider, loggerFactory.CreateLogger<ModelDeploymentReconciler>());
        host.AddController<ModelDeployment>(ModelDeploymentController, reconciler, new ControllerOptions { MaxConcurrentReconciles = maxConcurrentReconciles })
            .Owns(deployments)
            .Owns(services)
            .Owns(budgets)
            .Watches(pods, PodOwner)
            .Watches(trainingJobs, job => Followers(modelDeployments.Cache, job));
        host.RequireCrds(AiOperatorCrds.ModelDeployments.Name);
        TrainingJobController.Add(host, hostOptions, resync, maxConcurrentReconciles, timeProvider, loggerFactory);
        return host;
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
