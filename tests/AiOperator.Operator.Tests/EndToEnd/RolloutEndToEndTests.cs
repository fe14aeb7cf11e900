using AiOperator.Api.Crds;
using AiOperator.Api.V1Alpha1;
using AiOperator.LocalCluster;
using AiOperator.LocalCluster.Simulation;
using AiOperator.ModelServer.Tests.Support;
using AiOperator.Operator.Tests.Integration;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace AiOperator.Operator.Tests.EndToEnd;

/// <summary>
/// A canary upgrade v1 → v2 of real model-server processes under steady load through the Service address:
/// pods come (canary steps) and go (stable shrinking, promotion) and not one request fails.
/// </summary>
public sealed class RolloutEndToEndTests(ITestOutputHelper output) : ModelServerClusterTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    [Fact]
    public async Task A_good_upgrade_under_load_walks_every_step_and_promotes_with_zero_failed_requests()
    {
        const string ns = "rollout";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } });
        foreach (var version in new[] { "1", "2" })
        {
            var dir = Path.Combine(Cluster.StateDirectory, "pvcs", ns, "models", "doubler", version);
            Directory.CreateDirectory(dir);
            new OnnxGraphBuilder("model").Input("x", OnnxType.Float, -1, 4).Output("y", OnnxType.Float, -1, 4).Node("Add", ["x", "x"], ["y"]).Save(dir);
        }

        var metrics = new ScriptedRevisionMetrics();
        metrics.Set("2-", ScriptedRevisionMetrics.Healthy);
        await using var op = RunningOperator.Start(Cluster.ApiServer.ClientConfiguration, "e2e", namespaces: [ns], revisionMetrics: metrics);
        using var mds = new ModelDeploymentClient(Client);
        var md = ModelDeploymentClient.New(ns, "doubler", replicas: 2, gpus: 1);
        md.Spec.Model.Uri = "pvc://models/doubler/1/model.onnx";
        md.Spec.Rollout = new RolloutSpec
        {
            Steps = [new RolloutStep { Weight = 20, PauseSeconds = 2 }, new RolloutStep { Weight = 50, PauseSeconds = 2 }],
            Analysis = new AnalysisSpec { IntervalSeconds = 1, MinRequests = 50 },
        };
        await mds.CreateAsync(md);
        var first = await WaitAsync(mds, ns, m => m.Status?.Phase == ModelDeploymentPhase.Ready, "v1 Ready with real servers");

        var service = await Client.CoreV1.ReadNamespacedServiceAsync("doubler", ns);
        await using var load = ServiceLoad.Start(service.Spec.ClusterIP, "doubler", workers: 2, TimeSpan.FromMinutes(2));

        var upgrade = System.Diagnostics.Stopwatch.StartNew();
        await mds.PatchAsync(ns, "doubler", """{"spec":{"model":{"version":"2","uri":"pvc://models/doubler/2/model.onnx"}}}""");
        var steps = new HashSet<int>();
        await WaitAsync(mds, ns, m =>
        {
            if (!string.IsNullOrEmpty(m.Status?.CanaryRevision))
            {
                steps.Add(m.Status.CurrentStep ?? -1);
            }

            return m.Status?.Phase == ModelDeploymentPhase.Ready && m.Status.StableRevision != first.Status!.StableRevision;
        }, "v2 promoted");

        // Keep the load on until every v1 pod has drained and exited.
        await Wait.UntilAsync(async () => (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items
            .All(p => p.Metadata.Labels["aioperator.dev/revision"] != first.Status!.StableRevision), Deadline, "v1 pods gone");
        upgrade.Stop();
        var answers = await load.StopAsync();

        Assert.Equal([0, 1], steps.Order());
        var sent = answers.Count;
        var failed = answers.Where(a => !a.Ok).ToList();
        output.WriteLine($"good upgrade under load: {failed.Count} of {sent} requests failed, {upgrade.Elapsed.TotalSeconds:0.0} s from spec change to v1 pods gone");
        Assert.True(sent > 50, $"only {sent} requests were sent");
        Assert.True(failed.Count == 0, $"{failed.Count} of {sent} requests failed: {string.Join("; ", failed.Take(5))}");
    }

    private static async Task<ModelDeployment> WaitAsync(ModelDeploymentClient mds, string ns, Func<ModelDeployment, bool> done, string what)
    {
        ModelDeployment? md = null;
        await Wait.UntilAsync(async () =>
        {
            md = await mds.GetAsync(ns, "doubler");
            return done(md);
        }, Deadline, what);
        return md!;
    }
}
