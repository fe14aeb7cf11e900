using AiOperator.LocalCluster.ApiServer.Admission;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Admission;

public sealed class QuotaUsageTests
{
    private static V1Pod Pod(string name, string? cpu = "500m", int gpus = 0, string phase = "Running") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            Containers =
            [
                new V1Container
                {
                    Name = "main",
                    Image = "x",
                    Resources = new V1ResourceRequirements
                    {
                        Requests = cpu is null ? null : new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new("1Gi") },
                        Limits = gpus == 0 ? null : new Dictionary<string, ResourceQuantity> { ["nvidia.com/gpu"] = new(gpus.ToString(System.Globalization.CultureInfo.InvariantCulture)) },
                    },
                },
            ],
        },
        Status = new V1PodStatus { Phase = phase },
    };

    private static V1ResourceQuota Quota(params (string Name, string Hard)[] hard) => new()
    {
        Metadata = new V1ObjectMeta { Name = "team" },
        Spec = new V1ResourceQuotaSpec { Hard = hard.ToDictionary(h => h.Name, h => new ResourceQuantity(h.Hard)) },
    };

    [Fact]
    public void A_pod_counts_its_requests_limits_and_gpus_under_every_name_a_quota_can_hold()
    {
        var usage = QuotaUsage.Of(Pod("a", gpus: 2));

        Assert.Equal(1, usage["pods"]);
        Assert.Equal(0.5m, usage["requests.cpu"]);
        Assert.Equal(0.5m, usage["cpu"]);
        Assert.Equal(1024m * 1024 * 1024, usage["requests.memory"]);
        Assert.Equal(2, usage["requests.nvidia.com/gpu"]);
        Assert.False(usage.ContainsKey("limits.cpu"));
    }

    [Fact]
    public void A_pod_past_the_hard_limit_is_refused_in_the_plugins_words_and_finished_pods_count_for_nothing()
    {
        var quota = Quota(("requests.nvidia.com/gpu", "4"), ("requests.cpu", "2"));
        var used = QuotaUsage.Total([Pod("a", gpus: 2), Pod("b", gpus: 1), Pod("done", gpus: 4, phase: "Succeeded")]);

        Assert.Null(QuotaUsage.Refusal(quota, Pod("c", gpus: 1), used));
        Assert.Equal(
            "exceeded quota: team, requested: requests.nvidia.com/gpu=2, used: requests.nvidia.com/gpu=3, limited: requests.nvidia.com/gpu=4",
            QuotaUsage.Refusal(quota, Pod("c", gpus: 2), used));
        Assert.Equal(
            "exceeded quota: team, requested: requests.cpu=1500m, used: requests.cpu=1, limited: requests.cpu=2",
            QuotaUsage.Refusal(quota, Pod("c", cpu: "1500m"), used));
    }

    [Fact]
    public void A_compute_quota_needs_every_container_to_say_what_it_asks_for()
    {
        var quota = Quota(("limits.memory", "8Gi"), ("requests.cpu", "2"));

        Assert.Equal("failed quota: team: must specify limits.memory for: main; requests.cpu for: main", QuotaUsage.Refusal(quota, Pod("c", cpu: null), new Dictionary<string, decimal>()));
    }

    [Fact]
    public void The_status_lists_every_hard_name_with_its_use_in_the_hard_values_notation()
    {
        var quota = Quota(("requests.memory", "8Gi"), ("pods", "10"), ("requests.nvidia.com/gpu", "4"));

        var status = QuotaUsage.Status(quota, QuotaUsage.Total([Pod("a", gpus: 1), Pod("b", gpus: 1)]));

        Assert.Equal(("2Gi", "2", "2"), (status.Used["requests.memory"].ToString(), status.Used["pods"].ToString(), status.Used["requests.nvidia.com/gpu"].ToString()));
        Assert.Equal("8Gi", status.Hard["requests.memory"].ToString());
    }
}
