using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AiOperator.Api.Crds;
using AiOperator.Api.V1Alpha1;
using AiOperator.LocalCluster;
using AiOperator.LocalCluster.Simulation;
using AiOperator.ModelServer.Tests.Support;
using AiOperator.Operator.Tests.Integration;
using k8s;
using k8s.Models;

namespace AiOperator.Operator.Tests.EndToEnd;

/// <summary>
/// Monitoring and autoscaling with real model-server processes: the operator scrapes the pods' own
/// /metrics; load through the Service raises replicas and its end lowers them; a corrupt model file
/// shows as ModelLoaded=False with the server's reason within one scrape.
/// </summary>
public sealed class AutoscalingEndToEndTests : ModelServerClusterTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    [Fact]
    public async Task A_corrupt_model_is_ModelLoaded_False_with_the_servers_reason_within_ten_seconds()
    {
        const string ns = "corrupt";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var modelDir = Path.Combine(Cluster.StateDirectory, "pvcs", ns, "models", "broken", "1");
        Directory.CreateDirectory(modelDir);
        await File.WriteAllBytesAsync(Path.Combine(modelDir, "model.onnx"), [0x08, 0x07, 0xff, 0xfe, 0x00, 0x13, 0x37]);

        await using var op = RunningOperator.Start(Cluster.ApiServer.ClientConfiguration, "e2e-corrupt", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(Client);
        var md = ModelDeploymentClient.New(ns, "broken", replicas: 1, gpus: 1);
        md.Spec.Model.Uri = "pvc://models/broken/1/model.onnx";
        await mds.CreateAsync(md);

        // From the moment the server has found the model broken (its log says so), not after the startup
        // probe's 10-minute window: the operator's part is a scrape of the not-ready pod and a status write.
        // (Measured from the log line, so the server process's own start-up on a loaded machine is not counted.)
        var pod = await Eventually.ValueAsync(async () => (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.FirstOrDefault(p => p.Status?.Phase == "Running")?.Metadata.Name,
            "model-server pod running", Deadline);
        await Wait.UntilAsync(async () => (await LogAsync(ns, pod!)).Contains("failed to load", StringComparison.Ordinal), Deadline, "the server logging that the model failed to load");
        var reported = Stopwatch.StartNew();
        V1Condition? loaded = null;
        await Wait.UntilAsync(async () =>
        {
            loaded = (await mds.GetAsync(ns, "broken")).Status?.Conditions?.FirstOrDefault(c => c.Type == "ModelLoaded");
            return loaded?.Status == "False" && !loaded.Message.Contains("exited with code", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30), "ModelLoaded=False with the server's reason");

        Assert.True(reported.Elapsed <= TimeSpan.FromSeconds(10), $"ModelLoaded=False {reported.Elapsed.TotalSeconds:0.0} s after the server logged the failure");
        Assert.Equal("ModelLoadFailed", loaded!.Reason);
        Assert.StartsWith("pod broken-", loaded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_through_the_service_raises_replicas_and_its_end_brings_them_back()
    {
        const string ns = "autoscale";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        var modelDir = Path.Combine(Cluster.StateDirectory, "pvcs", ns, "models", "doubler", "1");
        Directory.CreateDirectory(modelDir);
        new OnnxGraphBuilder("model").Input("x", OnnxType.Float, -1, 4).Output("y", OnnxType.Float, -1, 4).Node("Add", ["x", "x"], ["y"]).Save(modelDir);

        await using var op = RunningOperator.Start(Cluster.ApiServer.ClientConfiguration, "e2e-autoscale", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(Client);
        var md = ModelDeploymentClient.New(ns, "doubler", replicas: 1, gpus: 1);
        md.Spec.Model.Uri = "pvc://models/doubler/1/model.onnx";
        md.Spec.Autoscaling = new AutoscalingSpec
        {
            Enabled = true,
            MinReplicas = 1,
            MaxReplicas = 3,
            Metric = AutoscalingMetric.RequestsPerSecond,
            Target = 10,
            ScaleDownStabilizationSeconds = 5,
        };
        await mds.CreateAsync(md);
        await Wait.UntilAsync(async () => (await mds.GetAsync(ns, "doubler")).Status?.Phase == ModelDeploymentPhase.Ready, Deadline, "doubler Ready");
        var service = await Client.CoreV1.ReadNamespacedServiceAsync("doubler", ns);

        // A bounded load generator on loopback: four workers, stopped by the test or after two minutes at most.
        using var stopLoad = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var load = GenerateLoadAsync(new Uri($"http://{service.Spec.ClusterIP}:80"), workers: 4, stopLoad.Token);
        await Wait.UntilAsync(async () =>
        {
            var current = await mds.GetAsync(ns, "doubler");
            return current.Status?.DesiredReplicas >= 2 && current.Status.Metrics?.RequestsPerSecond > 10;
        }, Deadline, "autoscaler raises desiredReplicas and status.metrics shows the load");
        await Wait.UntilAsync(async () =>
            (await Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Sum(d => d.Spec.Replicas ?? 0) >= 2, Deadline, "the Deployment follows the total");
        await ClusterEvents.WaitForAsync(Client, ns, e => e.Reason == "Autoscaled" && e.InvolvedObject.Name == "doubler", "Autoscaled on doubler");

        await stopLoad.CancelAsync();
        var served = await load;
        Assert.True(served > 0);

        // Down again once the 60 s stable window has seen the quiet and the 5 s scale-down window passed.
        await Wait.UntilAsync(async () => (await mds.GetAsync(ns, "doubler")).Status?.DesiredReplicas == 1, TimeSpan.FromSeconds(150), "back to minReplicas after the load");
        await Wait.UntilAsync(async () =>
            (await Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.Sum(d => d.Spec.Replicas ?? 0) == 1, Deadline, "the Deployment scaled back down");
    }

    private static async Task<long> GenerateLoadAsync(Uri service, int workers, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromSeconds(10) };
        long served = 0;
        var body = new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "x", ["shape"] = new JsonArray(1, 4), ["datatype"] = "FP32", ["data"] = new JsonArray(1, 2, 3, 4) }),
        };
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync("/v2/models/doubler/infer", body, stop);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref served);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (HttpRequestException)
                {
                    // A pod going away mid-request: the next request goes elsewhere.
                }
            }
        }));
        return served;
    }

    private async Task<string> LogAsync(string ns, string pod)
    {
        await using var stream = await Client.CoreV1.ReadNamespacedPodLogAsync(pod, ns);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
