using AiOperator.LocalCluster.ApiServer.Schema;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Schema;

public sealed class TrailTests
{
    [Fact]
    public void Steps_are_written_as_the_field_paths_errors_name()
    {
        var at = new Trail("");
        Assert.True(at.IsEmpty);
        at.Push("spec", Trail.Step.Field);
        at.Push("containers", Trail.Step.Field);
        at.Push(0);
        at.Push("image", Trail.Step.Field);
        Assert.Equal("spec.containers[0].image", at.ToString());
        at.Pop();
        at.Pop();
        at.Push("nodeSelector", Trail.Step.Field);
        at.Push("gpu", Trail.Step.MapKey);
        Assert.Equal("spec.containers.nodeSelector.gpu", at.ToString());
        Assert.False(at.IsEmpty);

        var rooted = new Trail("metadata");
        rooted.Push("labels", Trail.Step.Field);
        Assert.Equal("metadata.labels", rooted.ToString());
    }
}
