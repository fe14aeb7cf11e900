using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.Integration;

// `kubectl delete mdep m --cascade=orphan` then a re-apply (a routine Argo CD or Helm migration): the new object
// takes over the children the old one left, as a ReplicaSet adopts matching orphan pods, without an outage.
[Collection(OperatorClusterCollection.Name)]
public sealed class AdoptionTests(OperatorCluster fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Children_orphaned_by_a_deleted_model_deployment_are_adopted_by_the_next_of_its_name()
    {
        var ns = await fixture.NewNamespaceAsync("adopt");
        await using var op = RunningOperator.Start(fixture.Config, "adopt", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(fixture.Client);
        await mds.CreateAsync(ModelDeploymentClient.New(ns, "m", replicas: 1, gpus: 0));
        var first = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 1);
        var deployment = Assert.Single((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);

        await fixture.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(GroupVersion.Group, GroupVersion.Version, ns, ModelDeployment.Plural, "m",
            new V1DeleteOptions { PropagationPolicy = "Orphan" });
        await Wait.UntilAsync(async () => (await mds.ListAsync(ns)).Count == 0
            && (await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync(deployment.Metadata.Name, ns)).Metadata.OwnerReferences is null or { Count: 0 },
            Deadline, "m gone, its Deployment left without an owner");

        await mds.CreateAsync(ModelDeploymentClient.New(ns, "m", replicas: 1, gpus: 0));
        var second = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 1);
        Assert.NotEqual(first.Metadata.Uid, second.Metadata.Uid);
        Assert.Null(Conditions.Find(second.Status!.Conditions, "ChildrenSynced"));
        var adopted = await fixture.Client.AppsV1.ReadNamespacedDeploymentAsync(deployment.Metadata.Name, ns);
        Assert.Equal(deployment.Metadata.Uid, adopted.Metadata.Uid);
        Assert.Equal(second.Metadata.Uid, Assert.Single(adopted.Metadata.OwnerReferences).Uid);
        Assert.Equal(second.Metadata.Uid, Assert.Single((await fixture.Client.CoreV1.ReadNamespacedServiceAsync("m", ns)).Metadata.OwnerReferences).Uid);
        await ClusterEvents.WaitForAsync(fixture.Client, ns, e => e.InvolvedObject.Name == "m" && e.Reason == "Adopted", "an Adopted Event on m");
    }
}
