using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation;

// `aiop local --state-dir` stopped and started again: objects come back with their resourceVersions,
// the kubelet restarts the process pods from their specs and the Service answers again.
public sealed class RestartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("restart-").FullName;

    [Fact]
    public async Task Objects_process_pods_and_services_come_back_after_a_restart_on_the_same_state_folder()
    {
        string configMapRv;
        string deploymentUid;
        string clusterIp;
        long rvBeforeStop;
        await using (var cluster = await StartAsync())
        {
            var client = cluster.Client;
            await cluster.NamespaceAsync("keep");
            configMapRv = (await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["mode"] = "fast" } }, "keep")).Metadata.ResourceVersion;
            await client.CoreV1.CreateNamespacedServiceAsync(new V1Service
            {
                Metadata = new V1ObjectMeta { Name = "echo" },
                Spec = new V1ServiceSpec { Selector = new Dictionary<string, string> { ["app"] = "echo" }, Ports = [new V1ServicePort { Port = 80, TargetPort = 8080 }] },
            }, "keep");
            deploymentUid = (await client.AppsV1.CreateNamespacedDeploymentAsync(EchoDeployment(), "keep")).Metadata.Uid;
            clusterIp = await ServiceAnswersAsync(client);
            rvBeforeStop = cluster.Cluster.ApiServer.Store.CurrentResourceVersion;
        }

        await using (var cluster = await StartAsync())
        {
            var client = cluster.Client;
            var settings = await client.CoreV1.ReadNamespacedConfigMapAsync("settings", "keep");
            Assert.Equal(configMapRv, settings.Metadata.ResourceVersion);
            Assert.Equal("fast", settings.Data["mode"]);
            Assert.Equal(deploymentUid, (await client.AppsV1.ReadNamespacedDeploymentAsync("echo", "keep")).Metadata.Uid);

            // The same pod (no new ReplicaSet or pod was needed) runs a new process and the Service keeps its address.
            Assert.Equal(clusterIp, await ServiceAnswersAsync(client));
            Assert.Single((await client.CoreV1.ListNamespacedPodAsync("keep")).Items);
            var next = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "later" } }, "keep");
            Assert.True(long.Parse(next.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture) > rvBeforeStop);
        }
    }

    [Fact]
    public async Task A_second_cluster_on_a_folder_in_use_is_refused_naming_it_and_the_folder_is_free_again_once_the_first_stops()
    {
        await using (var first = await StartAsync())
        {
            var refused = await Assert.ThrowsAsync<IOException>(StartAsync);
            Assert.Contains(_dir, refused.Message, StringComparison.Ordinal);
            Assert.Contains("in use by another running local cluster", refused.Message, StringComparison.Ordinal);

            // The refused start touched nothing of the running one.
            await first.NamespaceAsync("still-served");
        }

        await using var second = await StartAsync();
        await second.NamespaceAsync("after");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<TestCluster> StartAsync() => TestCluster.StartAsync(o => o with { CpuNodes = 1, StateDirectory = _dir, PersistObjects = true });

    private static async Task<string> ServiceAnswersAsync(Kubernetes client)
    {
        var clusterIp = (await TestCluster.UntilAsync(async () =>
        {
            var svc = await client.CoreV1.ReadNamespacedServiceAsync("echo", "keep");
            return string.IsNullOrEmpty(svc.Spec.ClusterIP) ? null : svc;
        }, "clusterIP allocated")).Spec.ClusterIP;
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var answer = await TestCluster.UntilAsync(async () =>
        {
            try
            {
                return await http.GetStringAsync(new Uri($"http://{clusterIp}:80/"));
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
            {
                return null;
            }
        }, "an answer through the Service");
        Assert.StartsWith("hello from echo-", answer, StringComparison.Ordinal);
        return clusterIp;
    }

    private static V1Deployment EchoDeployment()
    {
        var deployment = TestCluster.Deployment("echo", TestCluster.TestProcessImage + ":1", replicas: 1, gpus: 0);
        var container = deployment.Spec.Template.Spec.Containers[0];
        container.Args = ["--host", "$(POD_IP)", "--port", "8080"];
        container.Ports = [new V1ContainerPort { ContainerPort = 8080 }];
        container.Env =
        [
            new V1EnvVar { Name = "POD_IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
            new V1EnvVar { Name = "POD_NAME", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } } },
        ];
        deployment.Spec.Template.Spec.TerminationGracePeriodSeconds = 2;
        return deployment;
    }
}
