using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Workloads;

public sealed class ReplicaSetControllerTests
{
    [Fact]
    public async Task Pod_creates_refused_by_admission_show_as_ReplicaFailure_and_one_FailedCreate_event_and_clear_once_fixed()
    {
        await using var cluster = await TestCluster.StartAsync();
        var client = cluster.Client;
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace
        {
            Metadata = new V1ObjectMeta { Name = "locked", Labels = new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "baseline" } },
        });
        var deployment = TestCluster.Deployment("web", "example.com/web:1", 1);
        deployment.Spec.Template.Spec.HostNetwork = true;
        await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "locked");

        var failed = await TestCluster.UntilAsync(async () =>
        {
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "locked");
            return d.Status?.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure") is { Status: "True" } ? d : null;
        }, "the Deployment to report ReplicaFailure");
        var condition = failed.Status.Conditions.Single(c => c.Type == "ReplicaFailure");
        Assert.Equal("FailedCreate", condition.Reason);
        Assert.Contains("is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true)", condition.Message, StringComparison.Ordinal);
        Assert.StartsWith("Error creating: pods \"web-", condition.Message, StringComparison.Ordinal);
        var rs = Assert.Single((await client.AppsV1.ListNamespacedReplicaSetAsync("locked")).Items);
        Assert.Contains(rs.Status.Conditions, c => c is { Type: "ReplicaFailure", Status: "True", Reason: "FailedCreate" });
        // The controller retries every pass; the Event is written once for the failure, not per retry.
        await TestCluster.UntilAsync(async () => (await client.CoreV1.ListNamespacedEventAsync("locked")).Items.Any(e => e.Reason == "FailedCreate"), "the FailedCreate Event");
        var rsVersion = (await client.AppsV1.ReadNamespacedReplicaSetAsync(rs.Metadata.Name, "locked")).Metadata.ResourceVersion;
        await TestCluster.UntilAsync(async () => (await client.AppsV1.ReadNamespacedReplicaSetAsync(rs.Metadata.Name, "locked")).Status.ObservedGeneration == rs.Metadata.Generation, "the status to settle");
        Assert.Single((await client.CoreV1.ListNamespacedEventAsync("locked")).Items, e => e.Reason == "FailedCreate");
        Assert.Equal(rsVersion, (await client.AppsV1.ReadNamespacedReplicaSetAsync(rs.Metadata.Name, "locked")).Metadata.ResourceVersion);

        var ns = await client.CoreV1.ReadNamespaceAsync("locked");
        ns.Metadata.Labels.Remove("pod-security.kubernetes.io/enforce");
        await client.CoreV1.ReplaceNamespaceAsync(ns, "locked");

        await TestCluster.UntilAsync(async () =>
        {
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", "locked");
            return d.Status?.ReadyReplicas == 1 && d.Status.Conditions.All(c => c.Type != "ReplicaFailure");
        }, "the pod to be created and ReplicaFailure to clear");
    }
}
