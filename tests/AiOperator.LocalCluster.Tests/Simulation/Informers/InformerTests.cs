using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Informers;

using AiOperator.LocalCluster.Simulation.Informers;

public sealed class InformerTests
{
    [Fact]
    public void Newer_resource_versions_win_and_deleted_objects_stay_deleted()
    {
        var informer = new Informer<V1Pod, V1PodList>("pods", (_, _, _) => Task.FromException<HttpOperationResponse<V1PodList>>(new InvalidOperationException("not used")), TimeProvider.System, NullLogger.Instance);
        var changes = 0;
        informer.Subscribe(() => changes++);

        informer.Apply(WatchEventType.Added, Pod("a", "u1", "5"));
        informer.Upsert(Pod("a", "u1", "4"));
        Assert.Equal("5", informer.Get("ns", "a")!.Metadata.ResourceVersion);
        informer.Upsert(Pod("a", "u1", "7"));
        informer.Apply(WatchEventType.Modified, Pod("a", "u1", "6"));
        Assert.Equal("7", informer.Get("ns", "a")!.Metadata.ResourceVersion);

        // Our own write-through landing after the DELETED event must not resurrect the pod.
        informer.Apply(WatchEventType.Deleted, Pod("a", "u1", "8"));
        informer.Upsert(Pod("a", "u1", "7"));
        Assert.Null(informer.Get("ns", "a"));

        // A new pod of the same name (new UID) is a different object.
        informer.Upsert(Pod("a", "u2", "9"));
        Assert.Equal("u2", informer.Get("ns", "a")!.Metadata.Uid);
        Assert.True(changes >= 6);
    }

    [Fact]
    public void Passes_between_changes_share_one_list_and_a_change_shows_in_the_next()
    {
        var informer = new Informer<V1Pod, V1PodList>("pods", (_, _, _) => Task.FromException<HttpOperationResponse<V1PodList>>(new InvalidOperationException("not used")), TimeProvider.System, NullLogger.Instance);
        informer.Apply(WatchEventType.Added, Pod("a", "u1", "1"));
        var first = informer.List();
        Assert.Same(first, informer.List());

        informer.Apply(WatchEventType.Added, Pod("b", "u2", "2"));
        Assert.Equal(["a", "b"], informer.List().Select(p => p.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.Single(first);

        informer.Apply(WatchEventType.Deleted, Pod("a", "u1", "3"));
        Assert.Equal(["b"], informer.List().Select(p => p.Metadata.Name));
    }

    [Fact]
    public void Objects_enter_the_cache_without_managed_fields()
    {
        var informer = new Informer<V1Pod, V1PodList>("pods", (_, _, _) => Task.FromException<HttpOperationResponse<V1PodList>>(new InvalidOperationException("not used")), TimeProvider.System, NullLogger.Instance);
        var watched = Pod("a", "u1", "1");
        watched.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Update" }];
        informer.Apply(WatchEventType.Added, watched);
        Assert.Null(informer.Get("ns", "a")!.Metadata.ManagedFields);

        var written = Pod("b", "u2", "2");
        written.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubelet", Operation = "Update" }];
        informer.Upsert(written);
        Assert.Null(informer.Get("ns", "b")!.Metadata.ManagedFields);
    }

    private static V1Pod Pod(string name, string uid, string rv) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ns", Uid = uid, ResourceVersion = rv },
    };
}
