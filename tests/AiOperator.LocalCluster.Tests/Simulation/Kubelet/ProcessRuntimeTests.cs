using System.Globalization;
using System.Net.Http;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Kubelet;

using AiOperator.LocalCluster.Simulation.Kubelet;

public sealed partial class ProcessRuntimeTests
{
    [Fact]
    public async Task Process_pod_is_probed_served_through_its_service_logged_and_stopped_with_sigterm()
    {
        var cluster = await TestCluster.StartAsync();
        var pids = new List<int>();
        try
        {
            var ns = await cluster.NamespaceAsync("process");
            var client = cluster.Client;
            await client.CoreV1.CreateNamespacedServiceAsync(new V1Service
            {
                Metadata = new V1ObjectMeta { Name = "echo" },
                Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "echo" }, Ports = [new V1ServicePort { Name = "web", Port = 80, TargetPort = "http" }] },
            }, ns);
            var clusterIp = (await TestCluster.UntilAsync(async () =>
            {
                var svc = await client.CoreV1.ReadNamespacedServiceAsync("echo", ns);
                return string.IsNullOrEmpty(svc.Spec.ClusterIP) ? null : svc;
            }, "clusterIP allocated")).Spec.ClusterIP;
            Assert.StartsWith("127.1.", clusterIp, StringComparison.Ordinal);

            await client.CoreV1.CreateNamespacedPodAsync(ProcessPod("echo-0", ["--host", "$(POD_IP)", "--port", "8080", "--ready-after-ms", "300"], grace: 10), ns);
            var pod = await cluster.PodAsync(ns, "echo-0", p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "echo-0 ready through its HTTP probe");
            Assert.StartsWith("127.", pod.Status.PodIP, StringComparison.Ordinal);
            Assert.NotEqual("127.0.0.1", pod.Status.PodIP);
            Assert.Equal("Running", pod.Status.Phase);

            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal("hello from echo-0\n", await http.GetStringAsync(new Uri($"http://{pod.Status.PodIP}:8080/")));
            var viaService = await TestCluster.UntilAsync(async () =>
            {
                try
                {
                    return await http.GetStringAsync(new Uri($"http://{clusterIp}:80/"));
                }
                catch (HttpRequestException)
                {
                    return null;
                }
            }, "answer through the Service's clusterIP");
            Assert.Equal("hello from echo-0\n", viaService);

            var logs = await LogsWithAsync(cluster, ns, "echo-0", "GET /ready -> 200");
            Assert.Contains($"listening on {pod.Status.PodIP}:8080", logs, StringComparison.Ordinal);
            Assert.Contains("env GREETING=hi", logs, StringComparison.Ordinal);
            Assert.Contains($"env UPSTREAM=http://{clusterIp}:80/x", logs, StringComparison.Ordinal);
            Assert.Contains("GET /ready -> 200", logs, StringComparison.Ordinal);
            var pid = Pid(logs);
            pids.Add(pid);
            Assert.True(TestCluster.IsRunning(pid));

            var logFile = Path.Combine(PodSandbox.DirectoryFor(cluster.Cluster.StateDirectory, pod), "logs", "main", "0.log");
            await client.CoreV1.DeleteNamespacedPodAsync("echo-0", ns);
            await TestCluster.UntilAsync(async () => (await client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count == 0, "pod removed by the kubelet after the process exited");
            Assert.Contains("received SIGTERM, shutting down", await File.ReadAllTextAsync(logFile), StringComparison.Ordinal);
            await TestCluster.UntilAsync(() => Task.FromResult(!TestCluster.IsRunning(pid)), "process gone");
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        Assert.DoesNotContain(pids, TestCluster.IsRunning);
    }

    [Fact]
    public async Task Process_that_ignores_sigterm_is_killed_after_the_grace_period()
    {
        var cluster = await TestCluster.StartAsync();
        try
        {
            var ns = await cluster.NamespaceAsync("stubborn");
            var client = cluster.Client;
            var stubborn = ProcessPod("stubborn", ["--host", "$(POD_IP)", "--port", "8080", "--ignore-sigterm"], grace: 1);
            stubborn.Spec.Containers[0].ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = 8080 }, PeriodSeconds = 1 };
            await client.CoreV1.CreateNamespacedPodAsync(stubborn, ns);
            var pod = await cluster.PodAsync(ns, "stubborn", p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "stubborn ready");
            var logFile = Path.Combine(PodSandbox.DirectoryFor(cluster.Cluster.StateDirectory, pod), "logs", "main", "0.log");
            var pid = Pid(await File.ReadAllTextAsync(logFile));

            await client.CoreV1.DeleteNamespacedPodAsync("stubborn", ns);
            await TestCluster.UntilAsync(async () => (await client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count == 0, "pod removed after SIGKILL");
            Assert.Contains("received SIGTERM, ignoring it", await File.ReadAllTextAsync(logFile), StringComparison.Ordinal);

            // The API server also drops the pod when its grace runs out, so the kill may land just after.
            await TestCluster.UntilAsync(() => Task.FromResult(!TestCluster.IsRunning(pid)), "process killed after the grace period", TimeSpan.FromSeconds(10));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Crashing_process_restarts_with_exit_code_and_termination_message()
    {
        var cluster = await TestCluster.StartAsync();
        var pids = new List<int>();
        try
        {
            var ns = await cluster.NamespaceAsync("crashing");
            await cluster.Client.CoreV1.CreateNamespacedPodAsync(ProcessPod("crash", ["--host", "$(POD_IP)", "--port", "8080", "--exit-after-ms", "300", "--exit-code", "3", "--termination-message", "boom"], grace: 5), ns);

            var pod = await cluster.PodAsync(ns, "crash", p => p.Status?.ContainerStatuses?.SingleOrDefault()?.RestartCount >= 1, "a restart");
            var status = pod.Status.ContainerStatuses.Single();
            Assert.Equal(3, status.LastState.Terminated.ExitCode);
            Assert.Equal("Error", status.LastState.Terminated.Reason);
            Assert.Equal("boom", status.LastState.Terminated.Message);

            // After a second restart at least two attempts have written logs, so --previous has one.
            await cluster.PodAsync(ns, "crash", p => p.Status.ContainerStatuses.Single().RestartCount >= 2, "a second restart");
            var (code, previous) = cluster.Kubectl("-n", ns, "logs", "crash", "--previous");
            Assert.True(code == 0, previous);
            Assert.Contains("exiting with code 3", previous, StringComparison.Ordinal);
            pids.Add(Pid(previous));
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        Assert.DoesNotContain(pids, TestCluster.IsRunning);
    }

    [Fact]
    public async Task Failing_liveness_probe_restarts_the_process()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("liveness");
        var pod = ProcessPod("sick", ["--host", "$(POD_IP)", "--port", "8080", "--unhealthy-after-ms", "500"], grace: 1);
        pod.Spec.Containers[0].LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = 8080 }, PeriodSeconds = 1, FailureThreshold = 2 };
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);

        var restarted = await cluster.PodAsync(ns, "sick", p => p.Status?.ContainerStatuses?.SingleOrDefault()?.RestartCount >= 1, "restart after failed liveness probes");
        var (code, previous) = cluster.Kubectl("-n", ns, "logs", "sick", "--previous");
        Assert.True(code == 0, previous);
        Assert.Contains("GET /healthz -> 500", previous, StringComparison.Ordinal);
        Assert.Contains("liveness probe failed", previous, StringComparison.Ordinal);
        Assert.Contains("received SIGTERM", previous, StringComparison.Ordinal);
        Assert.NotNull(restarted.Status.ContainerStatuses.Single().LastState.Terminated);
    }

    [Fact]
    public async Task Failing_startup_probe_holds_readiness_and_restarts_with_the_termination_message()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("startup");
        var pod = ProcessPod("stuck", ["--host", "$(POD_IP)", "--port", "8080", "--ready-after-ms", "600000", "--termination-message", "model failed to load"], grace: 5);
        pod.Spec.Containers[0].StartupProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/ready", Port = 8080 }, PeriodSeconds = 1, FailureThreshold = 2 };
        pod.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = 8080 }, PeriodSeconds = 1 };
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);

        var restarted = await cluster.PodAsync(ns, "stuck", p => p.Status?.ContainerStatuses?.SingleOrDefault()?.RestartCount >= 1, "restart after failed startup probes");
        var status = restarted.Status.ContainerStatuses.Single();
        Assert.Equal(0, status.LastState.Terminated.ExitCode);
        Assert.Equal("model failed to load", status.LastState.Terminated.Message);
        var (code, previous) = cluster.Kubectl("-n", ns, "logs", "stuck", "--previous");
        Assert.True(code == 0, previous);
        Assert.Contains("startup probe failed 2 times", previous, StringComparison.Ordinal);

        // The readiness probe would pass (/healthz is fine) but never ran: startup never succeeded.
        Assert.DoesNotContain("GET /healthz", previous, StringComparison.Ordinal);
        Assert.NotEqual("True", restarted.Status.Conditions.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public async Task Readiness_starts_once_the_startup_probe_succeeds()
    {
        await using var cluster = await TestCluster.StartAsync();
        var ns = await cluster.NamespaceAsync("started");
        var pod = ProcessPod("slow", ["--host", "$(POD_IP)", "--port", "8080", "--ready-after-ms", "1500"], grace: 5);
        pod.Spec.Containers[0].StartupProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/ready", Port = 8080 }, PeriodSeconds = 1, FailureThreshold = 30 };
        pod.Spec.Containers[0].ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = 8080 }, PeriodSeconds = 1 };
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(pod, ns);

        var ready = await cluster.PodAsync(ns, "slow", p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "ready after startup");
        Assert.Equal(0, ready.Status.ContainerStatuses.Single().RestartCount);
        var logs = await LogsWithAsync(cluster, ns, "slow", "GET /healthz");
        var firstHealthz = logs.IndexOf("GET /healthz", StringComparison.Ordinal);
        var firstReady = logs.IndexOf("GET /ready -> 200", StringComparison.Ordinal);
        Assert.True(firstReady >= 0 && firstHealthz > firstReady, logs);
    }

    [Fact]
    public async Task Unavailable_process_image_leaves_the_container_waiting_with_the_reason()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with
        {
            ProcessImages = new Dictionary<string, ProcessImage> { ["ghcr.io/aioperator/model-server"] = ProcessImage.Missing("model server path unknown: pass --model-server-path or set AIOP_MODEL_SERVER_PATH") },
        });
        var ns = await cluster.NamespaceAsync("missing");
        await cluster.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = "server" }, Spec = TestCluster.PodSpec("ghcr.io/aioperator/model-server:0.1.0", 1) }, ns);

        var pod = await cluster.PodAsync(ns, "server", p => p.Status?.ContainerStatuses?.SingleOrDefault()?.State?.Waiting?.Reason == "CreateContainerError", "waiting with CreateContainerError");
        Assert.Contains("AIOP_MODEL_SERVER_PATH", pod.Status.ContainerStatuses.Single().State.Waiting.Message, StringComparison.Ordinal);
        Assert.Equal("Pending", pod.Status.Phase);
    }

    private static V1Pod ProcessPod(string name, string[] args, int grace) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "echo" } },
        Spec = new V1PodSpec
        {
            TerminationGracePeriodSeconds = grace,
            Tolerations = [new V1Toleration { OperatorProperty = "Exists" }],
            Containers =
            [
                new V1Container
                {
                    Name = "main",
                    Image = TestCluster.TestProcessImage + ":1",
                    Args = args,
                    Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }],
                    Env =
                    [
                        new V1EnvVar { Name = "POD_IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
                        new V1EnvVar { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
                        new V1EnvVar { Name = "GREETING", Value = "hi" },
                        new V1EnvVar { Name = "UPSTREAM", Value = "http://echo:80/x" },
                    ],
                    ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/ready", Port = "http" }, PeriodSeconds = 1 },
                },
            ],
        },
    };

    // The process prints a probe's line before it answers, but the kubelet copies its output to the log from a
    // reader thread of its own, so the line can reach the log file after the probe's answer has made the pod Ready.
    private static Task<string> LogsWithAsync(TestCluster cluster, string ns, string pod, string line) =>
        TestCluster.UntilAsync(() =>
        {
            var (code, logs) = cluster.Kubectl("-n", ns, "logs", pod);
            return Task.FromResult(code == 0 && logs.Contains(line, StringComparison.Ordinal) ? logs : null);
        }, $"kubectl logs {pod} shows \"{line}\"");

    private static int Pid(string logs) => int.Parse(PidPattern().Match(logs).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"test-process pid=(\d+)")]
    private static partial Regex PidPattern();
}
