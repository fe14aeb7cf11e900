using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.ModelDeployments;

namespace AiOperator.Operator.Tests.ModelDeployments;

public sealed class ReplicaTotalTests
{
    [Fact]
    public void Without_autoscaling_the_spec_decides()
    {
        Assert.Equal(3, ReplicaTotal.Compute(new ModelDeploymentSpec { Replicas = 3 }, new ModelDeploymentStatus { DesiredReplicas = 7 }));
        Assert.Equal(1, ReplicaTotal.Compute(new ModelDeploymentSpec(), null));
        Assert.Equal(0, ReplicaTotal.Compute(new ModelDeploymentSpec { Replicas = 0 }, null));
    }

    [Fact]
    public void With_autoscaling_the_autoscalers_total_within_bounds_starting_at_the_minimum()
    {
        var spec = new ModelDeploymentSpec { Replicas = 9, Autoscaling = new AutoscalingSpec { Enabled = true, MinReplicas = 2, MaxReplicas = 5 } };

        Assert.Equal(2, ReplicaTotal.Compute(spec, null));
        Assert.Equal(4, ReplicaTotal.Compute(spec, new ModelDeploymentStatus { DesiredReplicas = 4 }));
        Assert.Equal(5, ReplicaTotal.Compute(spec, new ModelDeploymentStatus { DesiredReplicas = 40 }));
        Assert.Equal(2, ReplicaTotal.Compute(spec, new ModelDeploymentStatus { DesiredReplicas = 1 }));
    }

    [Fact]
    public void Defaults_and_inverted_bounds_never_throw()
    {
        Assert.Equal(1, ReplicaTotal.Compute(new ModelDeploymentSpec { Autoscaling = new AutoscalingSpec { Enabled = true } }, null));
        Assert.Equal(6, ReplicaTotal.Compute(new ModelDeploymentSpec { Autoscaling = new AutoscalingSpec { Enabled = true, MinReplicas = 6, MaxReplicas = 2 } }, null));
    }
}
