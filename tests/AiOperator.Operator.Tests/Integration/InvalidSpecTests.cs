using k8s;
using k8s.Models;
using AiOperator.Api.V1Alpha1;
using System.Text.Json.Nodes;
using AiOperator.ControllerRuntime.Reconciliation;

namespace AiOperator.Operator.Tests.Integration;

[Collection(OperatorClusterCollection.Name)]
public sealed class InvalidSpecTests(OperatorCluster fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string, string> Rules() => new()
    {
        { "min-above-max", """{"autoscaling":{"enabled":true,"minReplicas":5,"maxReplicas":2}}""", "spec.autoscaling.minReplicas" },
        { "falling-steps", """{"rollout":{"steps":[{"weight":50},{"weight":10}]}}""", "spec.rollout.steps[1].weight" },
        { "mig-twice", """{"resources":{"gpu":{"count":2,"resourceName":"nvidia.com/mig-1g.10gb"}}}""", "spec.resources.gpu.count" },
        { "two-sources", """{"model":{"fromTrainingJob":{"name":"job"}}}""", "spec.model.fromTrainingJob" },
        { "scale-to-zero", """{"autoscaling":{"enabled":true,"minReplicas":0}}""", "spec.autoscaling.minReplicas" },
    };

    [Fact]
    public async Task Each_rule_the_schema_cannot_express_fails_the_spec_by_field_without_touching_children_or_neighbours()
    {
        var ns = await fixture.NewNamespaceAsync("invalid");
        await using var op = RunningOperator.Start(fixture.Config, "strict", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(fixture.Client);
        await mds.CreateAsync(ModelDeploymentClient.New(ns, "good", replicas: 1));

        foreach (var (name, patch, field) in Rules().Select(r => ((string)r[0], (string)r[1], (string)r[2])))
        {
            // Invalid from its first write: the API server accepts it (the schema cannot say no), the operator must not act on it.
            await mds.CreateAsync(WithSpec(ModelDeploymentClient.New(ns, name, replicas: 1), patch));
            await Wait.UntilAsync(async () =>
            {
                var current = await mds.GetAsync(ns, name);
                var valid = Conditions.Find(current.Status?.Conditions, "SpecValid");
                return valid?.Status == "False" && valid.Message.Contains(field, StringComparison.Ordinal)
                    && current.Status!.Phase == ModelDeploymentPhase.Failed && current.Status.ObservedGeneration == current.Metadata.Generation;
            }, Deadline, $"{name}: SpecValid=False naming {field}");
        }

        await DeployPathTests.WaitReadyAsync(mds, ns, "good", 1);
        var invalid = Rules().Select(r => (string)r[0]).ToList();
        IList<Corev1Event> events = [];
        await Wait.UntilAsync(async () =>
        {
            events = (await fixture.Client.CoreV1.ListNamespacedEventAsync(ns)).Items;
            return invalid.All(name => events.Any(e => e.InvolvedObject.Name == name && e.Reason == "InvalidSpec"));
        }, Deadline, "an InvalidSpec event for each invalid spec");
        foreach (var (name, _, field) in Rules().Select(r => ((string)r[0], (string)r[1], (string)r[2])))
        {
            Assert.Contains(events, e => e.InvolvedObject.Name == name && e.Type == "Warning" && e.Reason == "InvalidSpec" && e.Message.Contains(field, StringComparison.Ordinal));
        }

        // No child of any kind for the invalid ones; "good" has exactly its own.
        var deployments = (await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items;
        Assert.Equal("good", Assert.Single(deployments).Metadata.Labels["aioperator.dev/model-deployment"]);
        Assert.Equal(["good"], (await fixture.Client.CoreV1.ListNamespacedServiceAsync(ns)).Items.Select(s => s.Metadata.Name));
        Assert.True(op.Completion.Status is TaskStatus.Running or TaskStatus.WaitingForActivation, "the operator stopped");
    }

    [Fact]
    public async Task Kubectl_apply_refuses_a_wrongly_typed_env_var_toleration_or_affinity_naming_the_field()
    {
        var ns = await fixture.NewNamespaceAsync("typed");
        var cases = new (string Name, string Spec, string Field)[]
        {
            ("env", "runtime: { env: [ { name: PORT, value: 8080 } ] }", "spec.runtime.env[0].value"),
            ("toleration", "scheduling: { tolerations: [ { key: gpu, operator: Exists, tolerationSeconds: soon } ] }", "spec.scheduling.tolerations[0].tolerationSeconds"),
            ("affinity", "scheduling: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [ { matchExpressions: [ { key: zone, operator: In, values: zone-a } ] } ] } } } }",
                "spec.scheduling.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values"),
        };
        foreach (var (name, spec, field) in cases)
        {
            var file = Path.Combine(Path.GetTempPath(), $"{ns}-{name}.yaml");
            await File.WriteAllTextAsync(file, $$"""
                apiVersion: aioperator.dev/v1alpha1
                kind: ModelDeployment
                metadata: { name: {{name}}, namespace: {{ns}} }
                spec:
                  model: { uri: "pvc://models/m.onnx" }
                  {{spec}}
                """);
            var (code, output) = await Kubectl.RunAsync(fixture.Cluster.KubeconfigPath, "apply", "-f", file);
            File.Delete(file);
            Assert.True(code != 0, $"{name}: kubectl apply accepted it: {output}");
            Assert.Contains(field, output, StringComparison.Ordinal);
        }

        using var mds = new ModelDeploymentClient(fixture.Client);
        Assert.Empty(await mds.ListAsync(ns));
    }

    [Fact]
    public async Task Kubectl_apply_refuses_names_its_children_could_not_have()
    {
        var ns = await fixture.NewNamespaceAsync("names");
        foreach (var (kind, name) in new[] { ("ModelDeployment", new string('m', 64)), ("ModelDeployment", "v1.resnet"), ("ModelDeployment", "18-resnet"), ("TrainingJob", new string('j', 52)) })
        {
            var spec = kind == "ModelDeployment" ? "model: { uri: \"pvc://models/m.onnx\" }" : "image: trainer:1";
            var file = Path.Combine(Path.GetTempPath(), $"{ns}-{name.Length}.yaml");
            await File.WriteAllTextAsync(file, $$"""
                apiVersion: aioperator.dev/v1alpha1
                kind: {{kind}}
                metadata: { name: "{{name}}", namespace: {{ns}} }
                spec: { {{spec}} }
                """);
            var (code, output) = await Kubectl.RunAsync(fixture.Cluster.KubeconfigPath, "apply", "-f", file);
            File.Delete(file);
            Assert.True(code != 0, $"{kind} {name}: kubectl apply accepted it: {output}");
            Assert.Contains("metadata.name", output, StringComparison.Ordinal);
        }
    }

    // The spec of md with a JSON merge patch applied to it, as a user's manifest would say it.
    private static ModelDeployment WithSpec(ModelDeployment md, string specPatch)
    {
        var json = (JsonObject)JsonNode.Parse(KubernetesJson.Serialize(md))!;
        Merge((JsonObject)json["spec"]!, (JsonObject)JsonNode.Parse(specPatch)!);
        return KubernetesJson.Deserialize<ModelDeployment>(json.ToJsonString());
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    [Fact]
    public async Task An_invalid_change_keeps_the_last_good_revision_serving()
    {
        var ns = await fixture.NewNamespaceAsync("lastgood");
        await using var op = RunningOperator.Start(fixture.Config, "strict", namespaces: [ns]);
        using var mds = new ModelDeploymentClient(fixture.Client);
        await mds.CreateAsync(ModelDeploymentClient.New(ns, "m", replicas: 2));
        var ready = await DeployPathTests.WaitReadyAsync(mds, ns, "m", 2);
        var before = Assert.Single((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);

        await mds.PatchAsync(ns, "m", """{"spec":{"model":{"version":"2"},"autoscaling":{"minReplicas":9,"maxReplicas":3}}}""");
        await Wait.UntilAsync(async () => (await mds.GetAsync(ns, "m")).Status?.Phase == ModelDeploymentPhase.Failed, Deadline, "phase Failed");

        var after = Assert.Single((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
        Assert.Equal(before.Metadata.Uid, after.Metadata.Uid);
        Assert.Equal(before.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal(ready.Status!.StableRevision, (await mds.GetAsync(ns, "m")).Status!.StableRevision);
    }
}
