using AiOperator.ControllerRuntime.Reconciliation;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Reconciliation;

public sealed class StatusOnlyChangeTests
{
    [Fact]
    public void Same_generation_and_metadata_is_status_only() =>
        Assert.True(StatusOnlyChange.Between(Meta(), Meta()));

    [Fact]
    public void Kinds_without_a_generation_never_qualify() =>
        Assert.False(StatusOnlyChange.Between(Meta(generation: null), Meta(generation: null)));

    [Theory]
    [InlineData("generation")]
    [InlineData("label")]
    [InlineData("annotation")]
    [InlineData("finalizer")]
    [InlineData("owner")]
    [InlineData("deletion")]
    [InlineData("uid")]
    public void Anything_a_reconciler_reads_besides_status_is_a_real_change(string what)
    {
        var current = Meta();
        switch (what)
        {
            case "generation": current.Generation = 4; break;
            case "label": current.Labels["tier"] = "gold"; break;
            case "annotation": current.Annotations = new Dictionary<string, string> { ["note"] = "x" }; break;
            case "finalizer": current.Finalizers = ["aioperator.dev/cleanup"]; break;
            case "owner": current.OwnerReferences = [new V1OwnerReference { Uid = "other" }]; break;
            case "deletion": current.DeletionTimestamp = new DateTime(2026, 11, 29, 0, 0, 0, DateTimeKind.Utc); break;
            default: current.Uid = "recreated"; break;
        }

        Assert.False(StatusOnlyChange.Between(Meta(), current));
    }

    private static V1ObjectMeta Meta(long? generation = 3) => new()
    {
        Name = "m",
        NamespaceProperty = "ns",
        Uid = "u1",
        Generation = generation,
        Labels = new Dictionary<string, string> { ["app"] = "web" },
    };
}
