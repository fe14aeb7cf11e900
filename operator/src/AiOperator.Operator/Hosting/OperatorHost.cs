using AiOperator.Api.Crds;
using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.ModelDeployments;
using AiOperator.Operator.Monitoring;
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
        TimeSpan? resyncPeriod = null,
        IRevisionMetrics? revisionMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(hostOptions);
        var options = new OperatorOptions { ModelServerImage = modelServerImage };
        var host = new ControllerHost(api, hostOptions, metrics, timeProvider, loggerFactory);

        // Children are cached only when they carry our label: the operator's memory does not grow with the cluster.
        var resync = resyncPeriod ?? new InformerOptions().ResyncPeriod;
        var childOptions = new InformerOptions { Namespaces = hostOptions.Namespaces, LabelSelector = ModelDeploymentLabels.ModelDeployment, ResyncPeriod = resync };
        var modelDeployments = host.Informer<ModelDeployment>(new InformerOptions { Namespaces = hostOptions.Namespaces, ResyncPeriod = resync });
        var deployments = host.Informer<V1Deployment>(childOptions);
        var services = host.Informer<V1Service>(childOptions);
        var budgets = host.Informer<V1PodDisruptionBudget>(childOptions);
        var pods = host.Informer<V1Pod>(childOptions with
        {
            Transform = pod => PodStatusOnly((V1Pod)pod),
            IndexedLabels = [ModelDeploymentLabels.ModelDeployment],
        });

        var reconciler = new ModelDeploymentReconciler(
            modelDeployments.Cache, deployments.Cache, services.Cache, budgets.Cache, pods.Cache,
            revisionMetrics ?? NoRevisionMetrics.Instance, host.Writer, host.Status, host.Events, options, timeProvider, loggerFactory.CreateLogger<ModelDeploymentReconciler>());
        host.AddController<ModelDeployment>(ModelDeploymentController, reconciler, new ControllerOptions { MaxConcurrentReconciles = maxConcurrentReconciles })
            .Owns(deployments)
            .Owns(services)
            .Owns(budgets)
            .Watches(pods, PodOwner);
        host.RequireCrds(AiOperatorCrds.ModelDeployments.Name);
        return host;
    }

    // The reconciler reads a pod's labels and status only; its spec is most of its size.
    private static V1Pod PodStatusOnly(V1Pod pod)
    {
        pod.Spec = null;
        pod.Metadata.Annotations = null;
        return pod;
    }

    // Pods belong to ReplicaSets; the model-deployment label leads back to the ModelDeployment.
    private static IEnumerable<ObjectKey> PodOwner(V1Pod pod) =>
        pod.Metadata.Labels?.TryGetValue(ModelDeploymentLabels.ModelDeployment, out var name) == true
            ? [new ObjectKey(pod.Metadata.NamespaceProperty ?? "", name)]
            : [];
}
