using AiOperator.Api.V1Alpha1;
using k8s.Models;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>Desired Deployment, Service and PodDisruptionBudget of a ModelDeployment (pure).</summary>
internal static class ModelDeploymentChildren
{
    public static string DeploymentName(string modelDeployment, string revision) => $"{modelDeployment}-{revision}";

    public static V1Deployment Deployment(ModelDeployment md, string revision, V1PodTemplateSpec template, int replicas)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(template);
        var podTemplate = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta
            {
                Labels = new Dictionary<string, string>(template.Metadata.Labels) { [ModelDeploymentLabels.Revision] = revision },
                Annotations = template.Metadata.Annotations,
            },
            Spec = template.Spec,
        };

        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = Metadata(md, DeploymentName(md.Metadata.Name, revision), revision),
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector
                {
                    MatchLabels = new Dictionary<string, string>
                    {
                        [ModelDeploymentLabels.ModelDeployment] = md.Metadata.Name,
                        [ModelDeploymentLabels.Revision] = revision,
                    },
                },
                // The template of a revision never changes; GPU capacity is scarce, so never surge more than one pod.
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "1", MaxUnavailable = "0" },
                },
                RevisionHistoryLimit = 1,
                ProgressDeadlineSeconds = md.Spec.Rollout?.ProgressDeadlineSeconds ?? 600,
                Template = podTemplate,
            },
        };
    }

    public static V1Service Service(ModelDeployment md)
    {
        ArgumentNullException.ThrowIfNull(md);
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Metadata(md, md.Metadata.Name, revision: null),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                // Every live revision: traffic follows ready replica counts.
                Selector = new Dictionary<string, string> { [ModelDeploymentLabels.ModelDeployment] = md.Metadata.Name },
                // gRPC (Open Inference Protocol) is HTTP/2 without TLS: h2c tells gateways and meshes so.
                Ports =
                [
                    new V1ServicePort { Name = "http", Port = 80, TargetPort = "http", Protocol = "TCP" },
                    new V1ServicePort { Name = "grpc", Port = ModelServerPodTemplate.GrpcPort, TargetPort = "grpc", Protocol = "TCP", AppProtocol = "kubernetes.io/h2c" },
                ],
            },
        };
    }

    public static string CanaryServiceName(string modelDeployment) => $"{modelDeployment}-canary";

    /// <summary>Addresses the canary revision alone while one runs (for tests and dashboards of the new version).</summary>
    public static V1Service CanaryService(ModelDeployment md, string canaryRevision)
    {
        ArgumentNullException.ThrowIfNull(md);
        var service = Service(md);
        service.Metadata = Metadata(md, CanaryServiceName(md.Metadata.Name), canaryRevision);
        service.Spec.Selector = new Dictionary<string, string>
        {
            [ModelDeploymentLabels.ModelDeployment] = md.Metadata.Name,
            [ModelDeploymentLabels.Revision] = canaryRevision,
        };
        return service;
    }

    public static V1PodDisruptionBudget? DisruptionBudget(ModelDeployment md, int desiredReplicas)
    {
        ArgumentNullException.ThrowIfNull(md);
        if (desiredReplicas < 2)
        {
            return null;
        }

        return new V1PodDisruptionBudget
        {
            ApiVersion = "policy/v1",
            Kind = "PodDisruptionBudget",
            Metadata = Metadata(md, md.Metadata.Name, revision: null),
            Spec = new V1PodDisruptionBudgetSpec
            {
                MaxUnavailable = 1,
                Selector = new V1LabelSelector
                {
                    MatchLabels = new Dictionary<string, string> { [ModelDeploymentLabels.ModelDeployment] = md.Metadata.Name },
                },
            },
        };
    }

    private static V1ObjectMeta Metadata(ModelDeployment md, string name, string? revision)
    {
        var labels = new Dictionary<string, string>
        {
            [ModelDeploymentLabels.ModelDeployment] = md.Metadata.Name,
            [ModelDeploymentLabels.Name] = ModelDeploymentLabels.ModelServer,
            [ModelDeploymentLabels.Instance] = md.Metadata.Name,
            [ModelDeploymentLabels.ManagedBy] = ModelDeploymentLabels.Operator,
        };
        if (revision is not null)
        {
            labels[ModelDeploymentLabels.Revision] = revision;
        }

        return new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = md.Metadata.NamespaceProperty,
            Labels = labels,
            OwnerReferences =
            [
                new V1OwnerReference
                {
                    ApiVersion = GroupVersion.ApiVersion,
                    Kind = ModelDeployment.KindName,
                    Name = md.Metadata.Name,
                    Uid = md.Metadata.Uid,
                    Controller = true,
                    BlockOwnerDeletion = true,
                },
            ],
        };
    }
}
