using AiOperator.Api.Crds;
using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Reconciliation;
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
        IReadOnlyList<string>? namespaces,
        int maxConcurrentReconciles,
        TimeSpan resync,
        IModelLoadFailures loadFailures,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(host);

        // Children are cached only when they carry our label: the operator's memory does not grow with the cluster.
        var childOptions = new InformerOptions { Namespaces = namespaces, LabelSelector = ModelDeploymentLabels.ModelDeployment, ResyncPeriod = resync };
        var primaryOptions = new InformerOptions { Namespaces = namespaces, ResyncPeriod = resync };
        var modelDeployments = host.Informer<ModelDeployment>(primaryOptions);
        var deployments = host.Informer<V1Deployment>(childOptions);
        var services = host.Informer<V1Service>(childOptions);
        var budgets = host.Informer<V1PodDisruptionBudget>(childOptions);
        var pods = host.Informer<V1Pod>(childOptions with { Transform = PodStatusOnly, IndexedLabels = [ModelDeploymentLabels.ModelDeployment] });

        var reconciler = new ModelDeploymentReconciler(
            modelDeployments.Cache, deployments.Cache, services.Cache, budgets.Cache, pods.Cache,
            host.Writer, host.Status, host.Events, loadFailures, options, timeProvider, loggerFactory.CreateLogger<ModelDeploymentReconciler>());
        var controller = host.AddController<ModelDeployment>(Name, reconciler, new ControllerOptions { MaxConcurrentReconciles = maxConcurrentReconciles }, primaryOptions)
            .Owns(deployments)
            .Owns(services)
            .Owns(budgets)
            .Watches(pods, PodOwner);
        host.RequireCrds(AiOperatorCrds.ModelDeployments.Name);
        return new ModelDeploymentWiring(controller, modelDeployments, pods);
    }

    // The reconciler and the scraper read a pod's labels and status only; its spec is most of its size.
    // One delegate instance, so every informer asking for these options shares one cache.
    private static readonly Func<object, object> PodStatusOnly = pod =>
    {
        var p = (V1Pod)pod;
        p.Spec = null;
        p.Metadata.Annotations = null;
        return p;
    };

    // Pods belong to ReplicaSets; the model-deployment label leads back to the ModelDeployment.
    private static IEnumerable<ObjectKey> PodOwner(V1Pod pod) =>
        pod.Metadata.Labels?.TryGetValue(ModelDeploymentLabels.ModelDeployment, out var name) == true
            ? [new ObjectKey(pod.Metadata.NamespaceProperty ?? "", name)]
            : [];
}
