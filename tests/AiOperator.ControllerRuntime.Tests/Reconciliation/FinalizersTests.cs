using AiOperator.ControllerRuntime.Reconciliation;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Tests.Reconciliation;

public sealed class FinalizersTests
{
    [Fact]
    public void Add_and_remove_return_null_when_nothing_changes()
    {
        Assert.Equal(["x", "f"], Finalizers.WithAdded(["x"], "f"));
        Assert.Null(Finalizers.WithAdded(["f"], "f"));
        Assert.Equal(["x"], Finalizers.WithRemoved(["x", "f"], "f"));
        Assert.Null(Finalizers.WithRemoved(["x"], "f"));
        Assert.Equal(["f"], Finalizers.WithAdded(null, "f"));
    }

    [Fact]
    public void Reads_presence_and_deletion()
    {
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Finalizers = ["f"], DeletionTimestamp = DateTime.UtcNow } };

        Assert.True(Finalizers.Has(pod, "f"));
        Assert.False(Finalizers.Has(pod, "g"));
        Assert.True(Finalizers.IsBeingDeleted(pod));
    }
}
