using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Monitoring;
using AiOperator.Operator.Rollouts;
using k8s;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.Operator.Tests.Rollouts;

/// <summary>
/// Drives the rollout engine as the reconciler does: status round-trips through JSON between calls (as it does
/// through the API server), Deployments take the planned sizes, and pods become ready only when told to.
/// </summary>
internal sealed class RolloutSimulation
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public ModelDeploymentSpec Spec { get; } = new()
    {
        Model = new ModelSource { Name = "resnet18", Version = "1", Uri = "pvc://models/r/1/model.onnx" },
        Replicas = 4,
        Rollout = new RolloutSpec
        {
            Steps = [new RolloutStep { Weight = 20, PauseSeconds = 60 }, new RolloutStep { Weight = 50, PauseSeconds = 60 }],
            Analysis = new AnalysisSpec { IntervalSeconds = 30, MaxErrorRate = 0.01, MinRequests = 50, FailureLimit = 2 },
        },
    };

    public ModelDeploymentStatus? Status { get; set; }

    public string Revision { get; set; } = "1-aaaaaa";

    public Dictionary<string, ObservedRevision> Deployments { get; } = [];

    public RevisionMetrics? Window { get; set; }

    public Dictionary<string, string> Annotations { get; } = [];

    public List<RolloutEvent> Events { get; } = [];

    public RolloutDecision? Last { get; private set; }

    public static RevisionMetrics Metrics(double requests, double errorRate, double p95 = 20) =>
        new(requests, requests / 30, errorRate, 5, p95, p95 * 1.5, 1, 0.5, 1, 0, DateTimeOffset.UnixEpoch);

    public static RevisionMetrics Good => Metrics(300, 0.001);

    public RolloutDecision Reconcile()
    {
        var decision = RolloutEngine.Decide(new RolloutInput(
            Spec, Status, Revision, Revision.Split('-')[0], Math.Max(0, Spec.Replicas ?? 1),
            [.. Deployments.Values], RolloutCommands.Parse(Annotations), Window, Time.GetUtcNow()));
        Status = KubernetesJson.Deserialize<ModelDeploymentStatus>(KubernetesJson.Serialize(decision.Status));
        foreach (var name in decision.RemoveAnnotations)
        {
            Annotations.Remove(name);
        }

        foreach (var name in Deployments.Keys.Where(n => !decision.Replicas.ContainsKey(n)).ToList())
        {
            Deployments.Remove(name);
        }

        foreach (var (name, replicas) in decision.Replicas)
        {
            if (Deployments.TryGetValue(name, out var current))
            {
                Deployments[name] = current with { Replicas = replicas, ReadyReplicas = Math.Min(current.ReadyReplicas, replicas) };
            }
            else if (replicas > 0 || name == Revision)
            {
                Deployments[name] = new ObservedRevision(name, replicas, 0, 0);
            }
        }

        Events.AddRange(decision.Events);
        Last = decision;
        return decision;
    }

    /// <summary>Every pod that should exist runs and is ready, except those of the named revisions; gone pods are gone.</summary>
    public void Settle(params string[] unready)
    {
        foreach (var (name, d) in Deployments.ToList())
        {
            Deployments[name] = d with { ReadyReplicas = unready.Contains(name) ? 0 : d.Replicas, Pods = d.Replicas };
        }
    }

    /// <summary>Reconcile, let pods settle, reconcile again: what a few watch events later look like.</summary>
    public RolloutDecision ReconcileSettled(params string[] unready)
    {
        Reconcile();
        Settle(unready);
        return Reconcile();
    }

    public int Replicas(string revision) => Last!.Replicas.TryGetValue(revision, out var n) ? n : -1;

    public void Advance(int seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    /// <summary>A first revision deployed and stable at full size.</summary>
    public static RolloutSimulation Stable(string revision = "1-aaaaaa", int replicas = 4)
    {
        var sim = new RolloutSimulation { Revision = revision };
        sim.Spec.Replicas = replicas;
        sim.ReconcileSettled();
        Assert.Equal(revision, sim.Status!.StableRevision);
        sim.Events.Clear();
        return sim;
    }
}
