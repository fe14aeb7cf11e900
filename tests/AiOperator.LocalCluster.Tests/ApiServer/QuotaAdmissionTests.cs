using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

// The ResourceQuota admission plugin over real requests: the namespace's pods are summed when one is created.
public sealed class QuotaAdmissionTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private static V1Pod GpuPod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "main",
                    Image = "trainer",
                    Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new("1") } },
                },
            ],
        },
    };

    [Fact]
    public async Task A_gpu_quota_refuses_the_pod_that_would_pass_it_until_a_pod_finishes()
    {
        var ns = await fixture.NewNamespaceAsync();
        await fixture.Client.CoreV1.CreateNamespacedResourceQuotaAsync(new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = "gpus" },
            Spec = new V1ResourceQuotaSpec { Hard = new Dictionary<string, ResourceQuantity> { ["requests.nvidia.com/gpu"] = new("2") } },
        }, ns);
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(GpuPod("a"), ns);
        var b = await fixture.Client.CoreV1.CreateNamespacedPodAsync(GpuPod("b"), ns);

        var (code, status) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodAsync(GpuPod("c"), ns));
        Assert.Equal(403, code);
        Assert.Equal("pods \"c\" is forbidden: exceeded quota: gpus, requested: requests.nvidia.com/gpu=1, used: requests.nvidia.com/gpu=2, limited: requests.nvidia.com/gpu=2", (string?)status["message"]);

        b.Status = new V1PodStatus { Phase = "Succeeded" };
        await fixture.Client.CoreV1.ReplaceNamespacedPodStatusAsync(b, "b", ns);
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(GpuPod("c"), ns);
        Assert.Equal(3, (await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count);
    }
}
