using AiOperator.Operator.ModelDeployments;

namespace AiOperator.Operator.Tests.ModelDeployments;

public sealed class ModelDeploymentChildrenTests
{
    [Fact]
    public void Deployment_is_named_by_revision_owned_and_labelled()
    {
        var md = ModelDeploymentFixtures.Resnet();
        var template = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, "img");
        var deployment = ModelDeploymentChildren.Deployment(md, "3-abcdef", template, 2);
        Assert.Equal("resnet-3-abcdef", deployment.Metadata.Name);
        Assert.Equal("vision", deployment.Metadata.NamespaceProperty);
        Assert.Equal(2, deployment.Spec.Replicas);
        var owner = Assert.Single(deployment.Metadata.OwnerReferences);
        Assert.True(owner.Controller);
        Assert.Equal(("aioperator.dev/v1alpha1", "ModelDeployment", "uid-1"), (owner.ApiVersion, owner.Kind, owner.Uid));
        Assert.Equal("3-abcdef", deployment.Spec.Template.Metadata.Labels["aioperator.dev/revision"]);
        Assert.Equal("resnet", deployment.Spec.Template.Metadata.Labels["aioperator.dev/model-deployment"]);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, deployment.Spec.Selector.MatchLabels
            .Where(l => deployment.Spec.Template.Metadata.Labels[l.Key] == l.Value).ToDictionary());
        Assert.False(template.Metadata.Labels.ContainsKey("aioperator.dev/revision"), "rendering must not mutate the shared template");
    }

    [Fact]
    public void Service_selects_every_revision_on_port_80_and_grpc_on_8001()
    {
        var service = ModelDeploymentChildren.Service(ModelDeploymentFixtures.Resnet());
        Assert.Equal("resnet", service.Metadata.Name);
        Assert.Equal(new Dictionary<string, string> { ["aioperator.dev/model-deployment"] = "resnet" }, service.Spec.Selector);
        Assert.Equal([("http", 80, "http", null), ("grpc", 8001, "grpc", "kubernetes.io/h2c")],
            service.Spec.Ports.Select(p => (p.Name, p.Port, p.TargetPort.Value, (string?)p.AppProtocol)));
    }

    [Fact]
    public void Disruption_budget_only_from_two_replicas()
    {
        var md = ModelDeploymentFixtures.Resnet();
        Assert.Null(ModelDeploymentChildren.DisruptionBudget(md, 1));
        var budget = ModelDeploymentChildren.DisruptionBudget(md, 2)!;
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
    }

    [Fact]
    public void Canary_service_selects_the_canary_revision_alone_on_the_same_port()
    {
        var md = ModelDeploymentFixtures.Resnet();
        var service = ModelDeploymentChildren.CanaryService(md, "4-bbbbbb");
        Assert.Equal("resnet-canary", service.Metadata.Name);
        Assert.Equal(new Dictionary<string, string> { ["aioperator.dev/model-deployment"] = "resnet", ["aioperator.dev/revision"] = "4-bbbbbb" }, service.Spec.Selector);
        Assert.Equal("4-bbbbbb", service.Metadata.Labels["aioperator.dev/revision"]);
        Assert.True(service.Metadata.OwnerReferences.Single().Controller);
        Assert.Equal([("http", 80), ("grpc", 8001)], service.Spec.Ports.Select(p => (p.Name, p.Port)));
    }
}
