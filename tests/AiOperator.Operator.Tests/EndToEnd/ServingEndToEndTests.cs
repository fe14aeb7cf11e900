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
/// The whole path with real processes: ModelDeployment → operator → simulated GPU nodes → the real
/// aiop-model-server serving a real ONNX model from a claim → inference through the Service address.
/// </summary>
public sealed class ServingEndToEndTests : ModelServerClusterTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    [Fact]
    public async Task A_model_deployment_serves_inference_through_its_service_from_real_model_server_processes()
    {
        const string ns = "serving";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });

        // The claim "models" is a folder of the local cluster; the model is built here, never downloaded.
        var modelDir = Path.Combine(Cluster.StateDirectory, "pvcs", ns, "models", "doubler", "1");
        Directory.CreateDirectory(modelDir);
        var built = new OnnxGraphBuilder("model").Input("x", OnnxType.Float, -1, 4).Output("y", OnnxType.Float, -1, 4).Node("Add", ["x", "x"], ["y"]).Save(modelDir);
        Assert.EndsWith("model.onnx", built, StringComparison.Ordinal);

        await using var op = RunningOperator.Start(Cluster.ApiServer.ClientConfiguration, "e2e", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(Client);
        var md = ModelDeploymentClient.New(ns, "doubler", replicas: 2, gpus: 1);
        md.Spec.Model.Uri = "pvc://models/doubler/1/model.onnx";
        await mds.CreateAsync(md);
        await Wait.UntilAsync(async () => (await mds.GetAsync(ns, "doubler")).Status?.Phase == ModelDeploymentPhase.Ready, Deadline, "doubler Ready with real servers");

        var service = await Client.CoreV1.ReadNamespacedServiceAsync("doubler", ns);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{service.Spec.ClusterIP}:80"), Timeout = TimeSpan.FromSeconds(10) };

        // kube-proxy balances connections, not requests: a fresh connection per request reaches both pods.
        http.DefaultRequestHeaders.ConnectionClose = true;
        var servedBy = new HashSet<string>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await http.PostAsJsonAsync("/v2/models/doubler/infer", new JsonObject
            {
                ["id"] = $"r{i}",
                ["inputs"] = new JsonArray(new JsonObject { ["name"] = "x", ["shape"] = new JsonArray(1, 4), ["datatype"] = "FP32", ["data"] = new JsonArray(1, 2, 3, i) }),
            });
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            Assert.True(response.IsSuccessStatusCode, body?.ToJsonString());
            Assert.Equal($"r{i}", (string?)body!["id"]);
            Assert.Equal([2f, 4f, 6f, 2f * i], body["outputs"]![0]!["data"]!.AsArray().Select(v => (float)v!));
        }

        // Both pods served: each process counts its own successes.
        foreach (var pod in (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items)
        {
            using var metrics = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var text = await metrics.GetStringAsync($"http://{pod.Status.PodIP}:8080/metrics");
            if (text.Split('\n').Any(l => l.StartsWith("nv_inference_request_success{", StringComparison.Ordinal) && !l.EndsWith(" 0", StringComparison.Ordinal)))
            {
                servedBy.Add(pod.Metadata.Name);
            }
        }

        Assert.Equal(2, servedBy.Count);

        // The Open Inference Protocol over gRPC through the Service's grpc port.
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress($"http://{service.Spec.ClusterIP}:8001");
        var grpc = new AiOperator.ModelServer.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient(channel);
        Assert.True((await grpc.ServerReadyAsync(new AiOperator.ModelServer.Grpc.Protocol.ServerReadyRequest(), deadline: DateTime.UtcNow.AddSeconds(10))).Ready);
        var request = new AiOperator.ModelServer.Grpc.Protocol.ModelInferRequest { ModelName = "doubler", Id = "g1" };
        var input = new AiOperator.ModelServer.Grpc.Protocol.ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 1, 4 } };
        input.Contents = new AiOperator.ModelServer.Grpc.Protocol.InferTensorContents { Fp32Contents = { 1f, 2f, 3f, 4.5f } };
        request.Inputs.Add(input);
        var reply = await grpc.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.Equal("g1", reply.Id);
        Assert.Equal([2f, 4f, 6f, 9f], reply.Outputs.Single().Contents.Fp32Contents);
        // The standard gRPC health service, as a Kubernetes grpc probe or a load balancer asks it through the Service.
        var health = new Grpc.Health.V1.Health.HealthClient(channel);
        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving,
            (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10))).Status);

        await mds.DeleteAsync(ns, "doubler");
        await Wait.UntilAsync(async () => (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count == 0, Deadline, "model-server pods gone after delete");
    }
}
