using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Workloads;

public sealed class JobControllerTests
{
    private static V1Job Job(string name, int exitCode, int completions, int backoffLimit) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1JobSpec
        {
            Completions = completions,
            BackoffLimit = backoffLimit,
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta
                {
                    Annotations = new Dictionary<string, string>
                    {
                        ["sim.aioperator.dev/exit-after"] = "200ms",
                        ["sim.aioperator.dev/exit-code"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    },
                },
                Spec = new V1PodSpec
                {
                    RestartPolicy = "Never",
                    Containers = [new V1Container { Name = "work", Image = "example.com/batch:1" }],
                },
            },
        },
    };

    [Fact]
    public async Task A_job_runs_its_pods_to_completion_and_a_failing_one_stops_at_the_backoff_limit()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { CpuNodes = 1 });
        var ns = await cluster.NamespaceAsync("jobs");
        var client = cluster.Client;
        var created = await client.BatchV1.CreateNamespacedJobAsync(Job("ok", exitCode: 0, completions: 2, backoffLimit: 6), ns);
        await client.BatchV1.CreateNamespacedJobAsync(Job("broken", exitCode: 1, completions: 1, backoffLimit: 1), ns);

        // The server generates the selector from the Job's uid and stamps it on the template.
        Assert.Equal(created.Metadata.Uid, created.Spec.Selector.MatchLabels["batch.kubernetes.io/controller-uid"]);

        var done = await TestCluster.UntilAsync(async () =>
        {
            var j = await client.BatchV1.ReadNamespacedJobAsync("ok", ns);
            return j.Status?.Conditions?.Any(c => c.Type == "Complete" && c.Status == "True") == true ? j : null;
        }, "job ok Complete");
        Assert.Equal((2, 0, 0), (done.Status.Succeeded ?? 0, done.Status.Failed ?? 0, done.Status.Active ?? 0));
        Assert.NotNull(done.Status.CompletionTime);

        var failed = await TestCluster.UntilAsync(async () =>
        {
            var j = await client.BatchV1.ReadNamespacedJobAsync("broken", ns);
            return j.Status?.Conditions?.Any(c => c.Type == "Failed" && c.Status == "True") == true ? j : null;
        }, "job broken Failed");
        Assert.Equal("BackoffLimitExceeded", failed.Status.Conditions.Single(c => c.Type == "Failed").Reason);
        Assert.Equal(2, failed.Status.Failed);

        var pods = (await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"batch.kubernetes.io/job-name=ok")).Items;
        Assert.Equal(2, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.Equal("Succeeded", p.Status.Phase);
            Assert.Equal(("Job", "ok"), (p.Metadata.OwnerReferences.Single().Kind, p.Metadata.OwnerReferences.Single().Name));
        });
    }
}
