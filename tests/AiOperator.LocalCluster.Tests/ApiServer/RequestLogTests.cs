using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

public sealed class RequestLogTests
{
    [Fact]
    public async Task Every_request_is_recorded_with_verb_resource_and_status_and_can_be_cleared()
    {
        await using var host = await AiOperator.LocalCluster.ApiServer.ApiServerHost.StartAsync(new AiOperator.LocalCluster.ApiServer.ApiServerOptions());
        using var client = new Kubernetes(host.ClientConfiguration);
        host.Requests.Clear();

        await client.AppsV1.CreateNamespacedDeploymentAsync(Deployments.Simple("web", 1), "default");
        await client.AppsV1.ReadNamespacedDeploymentAsync("web", "default");
        await client.AppsV1.ListNamespacedDeploymentAsync("default");
        await client.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch("""{"status":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "web", "default");
        await ApiServerFixture.FailureAsync(() => client.AppsV1.ReadNamespacedDeploymentAsync("missing", "default"));
        await client.AppsV1.DeleteNamespacedDeploymentAsync("web", "default");

        var records = host.Requests.Snapshot();
        Assert.Equal(["create", "get", "list", "patch", "get", "delete"], records.Select(r => r.Verb));
        Assert.All(records, r => Assert.Equal("deployments", r.Resource));
        Assert.All(records, r => Assert.Equal("apps", r.Group));
        Assert.All(records, r => Assert.Equal("default", r.Namespace));
        Assert.Equal("status", records[3].Subresource);
        Assert.Equal([201, 200, 200, 200, 404, 200], records.Select(r => r.StatusCode));
        Assert.Equal("missing", records[4].Name);
        Assert.All(records, r => Assert.False(string.IsNullOrEmpty(r.UserAgent)));
        Assert.Equal(3, host.Requests.Writes().Count);

        host.Requests.Clear();
        Assert.Equal(0, host.Requests.Count);
    }

    [Fact]
    public async Task The_log_keeps_only_the_newest_records_beyond_its_capacity()
    {
        await using var host = await AiOperator.LocalCluster.ApiServer.ApiServerHost.StartAsync(new AiOperator.LocalCluster.ApiServer.ApiServerOptions { RequestLogCapacity = 5 });
        using var client = new Kubernetes(host.ClientConfiguration);
        for (var i = 0; i < 8; i++)
        {
            await ApiServerFixture.FailureAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync($"c{i}", "default"));
        }

        var names = host.Requests.Snapshot().Select(r => r.Name).ToList();
        Assert.Equal(["c3", "c4", "c5", "c6", "c7"], names);
    }
}
