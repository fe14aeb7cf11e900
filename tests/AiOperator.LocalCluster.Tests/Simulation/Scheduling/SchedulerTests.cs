using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Scheduling;

public sealed class SchedulerTests
{
    [Fact]
    public async Task Pod_that_fits_nowhere_is_unschedulable_until_gpus_free_up()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("sched");
        var client = cluster.Client;
        foreach (var name in new[] { "a", "b" })
        {
            await client.CoreV1.CreateNamespacedPodAsync(Pod(name, 4), ns);
        }

        await cluster.PodAsync(ns, "b", p => p.Status?.Phase == "Running", "b running");
        await client.CoreV1.CreateNamespacedPodAsync(Pod("c", 4), ns);

        var pending = await cluster.PodAsync(ns, "c", p => p.Status?.Conditions?.Any(c => c.Type == "PodScheduled" && c.Status == "False") == true, "c unschedulable");
        var condition = pending.Status.Conditions.Single(c => c.Type == "PodScheduled");
        Assert.Equal("Unschedulable", condition.Reason);
        Assert.Equal("0/2 nodes are available: 2 Insufficient nvidia.com/gpu.", condition.Message);
        Assert.Equal("Pending", pending.Status.Phase);
        Assert.Null(pending.Spec.NodeName);

        // Freeing a node retries the pending pod.
        var a = await client.CoreV1.ReadNamespacedPodAsync("a", ns);
        await client.CoreV1.DeleteNamespacedPodAsync("a", ns);
        var scheduled = await cluster.PodAsync(ns, "c", p => p.Status?.Phase == "Running", "c running after a is deleted");
        Assert.Equal(a.Spec.NodeName, scheduled.Spec.NodeName);
    }

    [Fact]
    public async Task The_kubelet_writes_a_bound_pod_from_what_the_api_server_stored_not_from_the_schedulers_assumption()
    {
        // The scheduler's assumed placement is its own. Had it been put in the informer the kubelet shares,
        // the kubelet would start the pod from a copy with the node set and the resourceVersion from
        // before the binding, and its first status write would be refused (409).
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("assume");
        var names = Enumerable.Range(0, 8).Select(i => $"p{i}").ToList();
        foreach (var name in names)
        {
            await cluster.Client.CoreV1.CreateNamespacedPodAsync(Pod(name, 1), ns);
        }

        foreach (var name in names)
        {
            await cluster.PodAsync(ns, name, p => p.Status?.Phase == "Running", $"{name} running");
        }

        var refused = cluster.Cluster.ApiServer.Requests.Snapshot().Where(r => r.Namespace == ns && r.Resource == "pods" && r.StatusCode == 409);
        Assert.Empty(refused.Select(r => $"{r.Verb} {r.Name}/{r.Subresource} by {r.UserAgent}"));
    }

    [Fact]
    public async Task Taints_selectors_and_mig_pools_are_honoured()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with
        {
            NodePools =
            [
                new NodePool { NamePrefix = "h100", Count = 1, Gpus = 8, GpuProduct = "NVIDIA-H100-80GB-HBM3" },
                new NodePool { NamePrefix = "mig", Count = 1, GpuProduct = "NVIDIA-A100-SXM4-40GB", ExtendedResources = new Dictionary<string, int> { ["nvidia.com/mig-1g.10gb"] = 7 } },
            ],
            CpuNodes = 1,
        });
        var ns = await cluster.NamespaceAsync("pools");
        var client = cluster.Client;

        var nodes = (await client.CoreV1.ListNodeAsync()).Items;
        Assert.Equal(["cpu-node-0", "h100-0", "mig-0"], nodes.Select(n => n.Metadata.Name).Order(StringComparer.Ordinal));
        var h100 = nodes.Single(n => n.Metadata.Name == "h100-0");
        Assert.Equal("8", h100.Status.Allocatable["nvidia.com/gpu"].ToString());
        Assert.Equal("8", h100.Metadata.Labels["nvidia.com/gpu.count"]);
        Assert.Contains(h100.Spec.Taints, t => t.Key == "nvidia.com/gpu" && t.Effect == "NoSchedule");
        Assert.Contains(h100.Status.Conditions, c => c.Type == "Ready" && c.Status == "True");
        Assert.Null(nodes.Single(n => n.Metadata.Name == "cpu-node-0").Spec.Taints);

        var mig = Pod("mig-pod", 0);
        mig.Spec.Containers[0].Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/mig-1g.10gb"] = new("2") } };
        await client.CoreV1.CreateNamespacedPodAsync(mig, ns);
        var untolerated = Pod("no-toleration", 0);
        untolerated.Spec.Tolerations = null;
        untolerated.Spec.Affinity = new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "nvidia.com/gpu.present", OperatorProperty = "Exists" }] }],
                },
            },
        };
        await client.CoreV1.CreateNamespacedPodAsync(untolerated, ns);
        var plain = Pod("plain", 0);
        plain.Spec.Tolerations = null;
        await client.CoreV1.CreateNamespacedPodAsync(plain, ns);

        Assert.Equal("mig-0", (await cluster.PodAsync(ns, "mig-pod", p => p.Spec.NodeName is not null, "mig pod bound")).Spec.NodeName);
        Assert.Equal("cpu-node-0", (await cluster.PodAsync(ns, "plain", p => p.Spec.NodeName is not null, "plain pod bound")).Spec.NodeName);
        var blocked = await cluster.PodAsync(ns, "no-toleration", p => p.Status?.Conditions?.Any(c => c.Reason == "Unschedulable") == true, "untolerated pod unschedulable");
        Assert.Equal(
            "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint {nvidia.com/gpu: }.",
            blocked.Status.Conditions.Single(c => c.Type == "PodScheduled").Message);
    }

    [Fact]
    public async Task The_default_cluster_runs_a_plain_deployment_on_its_cpu_nodes()
    {
        // No GPU, no toleration: on GPU-tainted nodes alone this would never start.
        await using var cluster = await TestCluster.StartAsync(o => o with { CpuNodes = new LocalClusterOptions().CpuNodes });
        var ns = await cluster.NamespaceAsync("plain");
        var client = cluster.Client;
        await client.AppsV1.CreateNamespacedDeploymentAsync(ApiServer.Deployments.Simple("web", 3), ns);

        await TestCluster.UntilAsync(async () =>
        {
            var d = await client.AppsV1.ReadNamespacedDeploymentAsync("web", ns);
            return d.Status?.ReadyReplicas == 3 ? d : null;
        }, "3 ready replicas of a plain deployment");
        var pods = (await client.CoreV1.ListNamespacedPodAsync(ns)).Items;
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.StartsWith("cpu-node-", p.Spec.NodeName, StringComparison.Ordinal));
        var nodes = (await client.CoreV1.ListNodeAsync()).Items.Select(n => n.Metadata.Name).Order(StringComparer.Ordinal);
        Assert.Equal(["cpu-node-0", "cpu-node-1", "gpu-node-0", "gpu-node-1"], nodes);
    }

    private static V1Pod Pod(string name, int gpus) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = TestCluster.PodSpec("example.com/app:1", gpus),
    };
}
