using k8s.Models;

namespace AiOperator.LocalCluster.Tests.ApiServer;

public static class Deployments
{
    public static V1Deployment Simple(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec
                {
                    Containers =
                    [
                        new V1Container
                        {
                            Name = name,
                            Image = $"{name}:1",
                            Ports = [new V1ContainerPort { ContainerPort = 80 }],
                            Env = [new V1EnvVar { Name = "A", Value = "1" }],
                        },
                    ],
                },
            },
        },
    };
}
