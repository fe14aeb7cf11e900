using AiOperator.Operator.TrainingJobs;

namespace AiOperator.Operator.Tests.TrainingJobs;

public sealed class UnschedulableMessageTests
{
    [Fact]
    public void Names_each_short_resource_once()
    {
        var resources = UnschedulableMessage.ShortResources([
            "0/7 nodes are available: 4 Insufficient nvidia.com/gpu, 3 Insufficient cpu.",
            "0/7 nodes are available: 7 Insufficient nvidia.com/gpu.",
            null,
        ]);
        Assert.Equal(["nvidia.com/gpu", "cpu"], resources);
    }

    [Fact]
    public void Other_reasons_name_no_resource() =>
        Assert.Empty(UnschedulableMessage.ShortResources(["0/3 nodes are available: 3 node(s) had untolerated taint {nvidia.com/gpu: }."]));
}
