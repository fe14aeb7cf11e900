using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Workloads;

using AiOperator.LocalCluster.Simulation.Workloads;

public sealed class DeploymentControllerTests
{
    [Fact]
    public async Task Deployment_gets_a_replica_set_and_ready_gpu_pods_then_rolls_and_scales()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("rollout");
        var client = cluster.Client;
        var deployment = TestCluster.Deployment("web", "example.com/web:1", 3);
        deployment.Spec.Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "1", MaxUnavailable = "0" } };
        var created = await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);

        var ready = await TestCluster.UntilAsync(async () =>
        {
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
            return d.Status?.ReadyReplicas == 3 && d.Status.AvailableReplicas == 3 && d.Status.UpdatedReplicas == 3 ? d : null;
        }, "3 ready replicas");
        Assert.Equal(created.Metadata.Generation, ready.Status.ObservedGeneration);
        Assert.Equal(3, ready.Status.Replicas);
        Assert.Equal(0, ready.Status.UnavailableReplicas ?? 0);
        Assert.Contains(ready.Status.Conditions, c => c.Type == "Available" && c.Status == "True");
        Assert.Equal("1", ready.Metadata.Annotations[DeploymentPlan.RevisionAnnotation]);

        var rs = Assert.Single((await client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items);
        var hash = rs.Metadata.Labels[PodTemplateHash.Label];
        Assert.Equal($"web-{hash}", rs.Metadata.Name);
        var owner = Assert.Single(rs.Metadata.OwnerReferences);
        Assert.Equal((created.Metadata.Uid, true), (owner.Uid, owner.Controller == true));

        var pods = (await client.CoreV1.ListNamespacedPodAsync(ns)).Items;
        Assert.Equal(3, pods.Count);
        foreach (var pod in pods)
        {
            Assert.StartsWith($"{rs.Metadata.Name}-", pod.Metadata.Name, StringComparison.Ordinal);
            Assert.Equal(rs.Metadata.Uid, Assert.Single(pod.Metadata.OwnerReferences).Uid);
            Assert.StartsWith("gpu-node-", pod.Spec.NodeName, StringComparison.Ordinal);
            Assert.Equal("Running", pod.Status.Phase);
            Assert.Contains(pod.Status.Conditions, c => c.Type == "Ready" && c.Status == "True");
            Assert.Contains(pod.Status.Conditions, c => c.Type == "PodScheduled" && c.Status == "True");
            var container = Assert.Single(pod.Status.ContainerStatuses);
            Assert.NotNull(container.State.Running);
            Assert.StartsWith("containerd://", container.ContainerID, StringComparison.Ordinal);
            Assert.StartsWith("127.", pod.Status.PodIP, StringComparison.Ordinal);
        }

        // Rolling update: never more than 4 pods' worth of replicas, never fewer than 3 available.
        var latest = await client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
        latest.Spec.Template.Spec.Containers[0].Image = "example.com/web:2";
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(latest, "web", ns);
        var sawTwoReplicaSets = false;
        await TestCluster.UntilAsync(async () =>
        {
            var sets = (await client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items;
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
            Assert.True(sets.Sum(s => s.Spec.Replicas ?? 0) <= 4, "maxSurge=1 exceeded");
            Assert.True((d.Status?.AvailableReplicas ?? 0) >= 3, "maxUnavailable=0 violated");
            sawTwoReplicaSets |= sets.Count == 2 && sets.All(s => s.Spec.Replicas > 0);
            return sets.Count == 2 && d.Status?.UpdatedReplicas == 3 && d.Status.ReadyReplicas == 3 && d.Status.Replicas == 3
                && d.Status.ObservedGeneration == d.Metadata.Generation;
        }, "rollout to image web:2");
        Assert.True(sawTwoReplicaSets, "the rollout never ran old and new pods side by side");
        var after = (await client.AppsV1.ListNamespacedReplicaSetAsync(ns)).Items;
        var newRs = Assert.Single(after, s => s.Metadata.Name != rs.Metadata.Name);
        Assert.Equal("2", newRs.Metadata.Annotations[DeploymentPlan.RevisionAnnotation]);
        Assert.Equal(0, after.Single(s => s.Metadata.Name == rs.Metadata.Name).Spec.Replicas);
        await TestCluster.UntilAsync(async () => (await client.CoreV1.ListNamespacedPodAsync(ns)).Items.All(p => p.Spec.Containers[0].Image == "example.com/web:2"), "old pods gone");

        // Scale through spec.replicas; 8 GPUs in the cluster allow 5 one-GPU pods.
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("{\"spec\":{\"replicas\":5}}", V1Patch.PatchType.MergePatch), "web", ns);
        await TestCluster.UntilAsync(async () => (await client.AppsV1.ReadNamespacedDeploymentAsync("web", ns)).Status?.ReadyReplicas == 5, "scaled to 5");
        await client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("{\"spec\":{\"replicas\":1}}", V1Patch.PatchType.MergePatch), "web", ns);
        await TestCluster.UntilAsync(async () =>
        {
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
            var live = (await client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count(p => p.Metadata.DeletionTimestamp is null);
            return d.Status?.Replicas == 1 && d.Status.ReadyReplicas == 1 && live == 1;
        }, "scaled down to 1");
    }

    [Fact]
    public async Task Controllers_and_kubelet_converge_despite_api_errors_and_dropped_watches()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("faults");
        var client = cluster.Client;
        await client.AppsV1.CreateNamespacedDeploymentAsync(TestCluster.Deployment("web", "example.com/web:1", 3), ns);

        // Every component is an ordinary client, so injected faults hit it like any other.
        var faults = cluster.Cluster.ApiServer.Faults;
        var errors = faults.AddErrors(0.3, 500, verb: "write");
        faults.DropWatchesEvery(TimeSpan.FromMilliseconds(700));
        try
        {
            await TestCluster.UntilAsync(async () =>
            {
                try
                {
                    var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
                    return d.Status?.ReadyReplicas == 3 && d.Status.AvailableReplicas == 3;
                }
                catch (k8s.Autorest.HttpOperationException)
                {
                    return false;
                }
            }, "3 ready replicas under 30% write errors and dropped watches");
            Assert.True(faults.InjectedErrors > 0);
        }
        finally
        {
            faults.DropWatchesEvery(null);
            faults.Remove(errors);
        }

        Assert.Equal(3, (await client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count(p => p.Metadata.DeletionTimestamp is null));
    }

    [Fact]
    public async Task Recreate_stops_old_pods_before_starting_new_ones()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("recreate");
        var client = cluster.Client;
        var deployment = TestCluster.Deployment("job", "example.com/app:1", 2);
        deployment.Spec.Strategy = new V1DeploymentStrategy { Type = "Recreate" };
        await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);
        await TestCluster.UntilAsync(async () => (await client.AppsV1.ReadNamespacedDeploymentAsync("job", ns)).Status?.ReadyReplicas == 2, "2 ready");

        var latest = await client.AppsV1.ReadNamespacedDeploymentAsync("job", ns);
        latest.Spec.Template.Spec.Containers[0].Image = "example.com/app:2";
        await client.AppsV1.ReplaceNamespacedDeploymentAsync(latest, "job", ns);
        await TestCluster.UntilAsync(async () =>
        {
            var pods = (await client.CoreV1.ListNamespacedPodAsync(ns)).Items;
            var images = pods.Select(p => p.Spec.Containers[0].Image).Distinct().ToList();
            Assert.True(images.Count <= 1, "old and new pods ran at the same time under Recreate");
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("job", ns);
            return images.Count == 1 && images[0] == "example.com/app:2" && d.Status?.ReadyReplicas == 2 && d.Status.UpdatedReplicas == 2;
        }, "recreated on app:2");
    }
}
