using AiOperator.Api.V1Alpha1;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Events;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Reconciliation;
using AiOperator.Operator.Autoscaling;
using AiOperator.Operator.ModelDeployments;
using AiOperator.Operator.Monitoring;
using AiOperator.Operator.Tests.Integration;
using AiOperator.Operator.Tests.Monitoring;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.Operator.Tests.Autoscaling;

// The autoscaler's loop against the local API server: synthetic scrapes in simulated time in, status and
// Events out. Caches are filled by hand so every step is deterministic.
[Collection(OperatorClusterCollection.Name)]
public sealed class ModelDeploymentAutoscalerTests(OperatorCluster fixture)
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ResourceCache<ModelDeployment> _modelDeployments = new();
    private readonly ResourceCache<V1Pod> _pods = new([ModelDeploymentLabels.ModelDeployment]);
    private readonly RecordingEvents _events = new();
    private readonly ControllerMetrics _metrics = new();
    private readonly List<SyntheticPod> _load = [new(), new()];

    [Fact]
    public async Task Writes_the_total_and_the_metrics_then_pauses_and_overrides_kubectl_scale_with_an_event()
    {
        var ns = await fixture.NewNamespaceAsync("autoscaler");
        using var mds = new ModelDeploymentClient(fixture.Client);
        var md = ModelDeploymentClient.New(ns, "chat", replicas: 2, gpus: 0);
        md.Spec.Autoscaling = new AutoscalingSpec { Enabled = true, MinReplicas = 1, MaxReplicas = 6, Metric = AutoscalingMetric.Concurrency, Target = 1 };
        await mds.CreateAsync(md);
        using var api = new KubeApi(fixture.Config, new ControllerMetrics());
        var store = new MetricsStore(_time, TimeSpan.FromMinutes(3));
        var autoscaler = new ModelDeploymentAutoscaler(_modelDeployments, _pods, new ResourceCache<V1Node>(), store, new StatusWriter(api), _events,
            _metrics, new AutoscalerSettings(), _time, NullLogger<ModelDeploymentAutoscaler>.Instance);
        await new StatusWriter(api).UpdateAsync(await mds.GetAsync(ns, "chat"), new ModelDeploymentStatus { StableRevision = "r1", DesiredReplicas = 2 }, CancellationToken.None);
        _pods.Upsert(Pod(ns, "chat-a"));
        _pods.Upsert(Pod(ns, "chat-b"));

        // Two pods carrying 4 requests in flight for a minute: target 1 per pod asks for 4.
        await ServeAsync(mds, autoscaler, store, ns, concurrency: 4, TimeSpan.FromSeconds(70));
        var scaled = await mds.GetAsync(ns, "chat");
        Assert.Equal(4, scaled.Status!.DesiredReplicas);
        Assert.Equal(4, ReplicaTotal.Compute(scaled.Spec, scaled.Status));
        Assert.Equal(2, scaled.Status.Metrics!.Concurrency);                 // per pod
        Assert.Contains(_events.Recorded, e => e.Reason == "Autoscaled" && e.Message.StartsWith("2 → 4 replicas", StringComparison.Ordinal));
        Assert.Equal(4, _metrics.Registry.Gauge("aiop_operator_autoscaler_desired_replicas", "", "namespace", "model_deployment").Value(ns, "chat"));

        // Paused: load doubles, the total stays.
        await mds.PatchAsync(ns, "chat", """{"spec":{"paused":true}}""");
        await ServeAsync(mds, autoscaler, store, ns, concurrency: 8, TimeSpan.FromSeconds(70));
        Assert.Equal(4, (await mds.GetAsync(ns, "chat")).Status!.DesiredReplicas);

        // kubectl scale writes spec.replicas: ignored, and said so.
        await mds.PatchAsync(ns, "chat", """{"spec":{"paused":false,"replicas":1}}""");
        await ServeAsync(mds, autoscaler, store, ns, concurrency: 8, TimeSpan.FromSeconds(4));
        Assert.Contains(_events.Recorded, e => e.Reason == "ScaleOverridden" && e.Message.Contains("spec.replicas=1 is ignored", StringComparison.Ordinal));
        var unpaused = await mds.GetAsync(ns, "chat");
        Assert.True(unpaused.Status!.DesiredReplicas >= 4);
        Assert.Null(Conditions.Find(unpaused.Status.Conditions, ModelDeploymentAutoscaler.ScalingLimited));
    }

    private async Task ServeAsync(ModelDeploymentClient mds, ModelDeploymentAutoscaler autoscaler, MetricsStore store, string ns, double concurrency, TimeSpan duration)
    {
        for (var t = TimeSpan.Zero; t < duration; t += TimeSpan.FromSeconds(2))
        {
            foreach (var pod in _load)
            {
                pod.Advance(TimeSpan.FromSeconds(2), concurrency / _load.Count / 0.05, 0.05);
            }

            _time.Advance(TimeSpan.FromSeconds(2));
            store.Record(ns, "chat-a", "chat", "r1", _load[0].Sample(_time.GetUtcNow()));
            store.Record(ns, "chat-b", "chat", "r1", _load[1].Sample(_time.GetUtcNow()));
            _modelDeployments.Upsert(await mds.GetAsync(ns, "chat"));
            await autoscaler.EvaluateAsync(CancellationToken.None);
        }
    }

    private static V1Pod Pod(string ns, string name) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Uid = name,
            ResourceVersion = "1",
            Labels = new Dictionary<string, string> { [ModelDeploymentLabels.ModelDeployment] = "chat", [ModelDeploymentLabels.Revision] = "r1" },
        },
        Status = new V1PodStatus { Phase = "Running", PodIP = "127.0.0.1", Conditions = [new V1PodCondition { Type = "Ready", Status = "True" }] },
    };

    private sealed class RecordingEvents : IEventRecorder
    {
        public List<(string Type, string Reason, string Message)> Recorded { get; } = [];

        public void Record(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message)
        {
            lock (Recorded)
            {
                Recorded.Add((type, reason, message));
            }
        }
    }
}
