using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.Operator.ModelDeployments;
using AiOperator.Operator.TrainingJobs;
using k8s.Models;

namespace AiOperator.Operator.Hosting;

/// <summary>
/// Options of the informers the controllers share. The host keeps one informer per kind, created by whichever
/// controller asks first, so every controller asks with these: the same options whatever the order.
/// </summary>
internal static class OperatorInformers
{
    /// <summary>Every child the operator creates carries this label; other pods and Services are never cached.</summary>
    public const string ManagedBySelector = "app.kubernetes.io/managed-by=aioperator";

    public static InformerOptions Primary(ControllerHostOptions host, TimeSpan resync)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new InformerOptions { Namespaces = host.Namespaces, ResyncPeriod = resync };
    }

    public static InformerOptions Children(ControllerHostOptions host, TimeSpan resync) =>
        Primary(host, resync) with { LabelSelector = ManagedBySelector };

    public static InformerOptions Pods(ControllerHostOptions host, TimeSpan resync) =>
        Children(host, resync) with
        {
            Transform = pod => PodStatusOnly((V1Pod)pod),
            IndexedLabels = [ModelDeploymentLabels.ModelDeployment, TrainingJobLabels.TrainingJob],
        };

    // The reconcilers read a pod's labels, owners, status and node only; the rest of its spec is most of its size.
    private static V1Pod PodStatusOnly(V1Pod pod)
    {
        pod.Spec = string.IsNullOrEmpty(pod.Spec?.NodeName) ? null : new V1PodSpec { NodeName = pod.Spec.NodeName };
        pod.Metadata.Annotations = null;
        return pod;
    }
}
