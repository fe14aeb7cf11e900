using AiOperator.LocalCluster.ApiServer;
using AiOperator.LocalCluster.Tests.Kubectl;
using k8s;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

public sealed class PodLogTests
{
    private sealed class FixedLogs(string text) : IPodLogSource
    {
        public List<PodLogRequest> Requests { get; } = [];

        public Task<string?> GetLogAsync(PodLogRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            return Task.FromResult<string?>(request.Container == "main" ? text : null);
        }
    }

    [Fact]
    public async Task Pod_logs_come_from_the_plugged_source_with_tail_lines_applied()
    {
        await using var host = await ApiServerHost.StartAsync(new ApiServerOptions());
        using var client = new Kubernetes(host.ClientConfiguration);
        await client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("p", "node-1"), "default");

        var (code, status) = await ApiServerFixture.FailureAsync(() => client.CoreV1.ReadNamespacedPodLogAsync("p", "default"));
        Assert.Equal(400, code); // no kubelet plugged in yet
        Assert.Contains("\"main\"", (string?)status["message"], StringComparison.Ordinal);

        var logs = new FixedLogs("one\ntwo\nthree\n");
        host.PodLogs = logs;
        using (var stream = await client.CoreV1.ReadNamespacedPodLogAsync("p", "default", tailLines: 2))
        using (var reader = new StreamReader(stream))
        {
            Assert.Equal("two\nthree\n", await reader.ReadToEndAsync());
        }

        Assert.Equal(new PodLogRequest("default", "p", "main", false, false, false, null), logs.Requests.Single());

        using var kubectl = new KubectlRunner(host);
        var result = (await kubectl.RunAsync("logs", "p", "-n", "default")).EnsureSuccess();
        Assert.Equal("one\ntwo\nthree\n", result.Stdout);
        var wrongContainer = await kubectl.RunAsync("logs", "p", "-c", "other");
        Assert.NotEqual(0, wrongContainer.ExitCode);
        Assert.Contains("other", wrongContainer.Stderr, StringComparison.Ordinal);
    }
}
