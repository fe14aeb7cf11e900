using k8s.Models;

namespace AiOperator.LocalCluster.Tests.ApiServer;

public static class Pods
{
    public static V1Pod Simple(string name, string? nodeName, IList<V1OwnerReference>? owners = null, int? grace = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, OwnerReferences = owners },
        Spec = new V1PodSpec
        {
            NodeName = nodeName,
            TerminationGracePeriodSeconds = grace,
            Containers = [new V1Container { Name = "main", Image = "busybox" }],
        },
    };
}
