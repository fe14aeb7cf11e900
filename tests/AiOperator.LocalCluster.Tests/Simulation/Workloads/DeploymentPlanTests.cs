using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Workloads;

using AiOperator.LocalCluster.Simulation.Workloads;

public sealed class DeploymentPlanTests
{
    [Fact]
    public void First_reconcile_creates_a_hashed_replica_set_owned_by_the_deployment()
    {
        var deployment = Deployment("web", "img:1", 3);

        var actions = DeploymentPlan.Compute(deployment, []);

        var rs = Assert.IsType<V1ReplicaSet>(actions.Create);
        var hash = PodTemplateHash.Compute(deployment.Spec.Template);
        Assert.Equal($"web-{hash}", rs.Metadata.Name);
        Assert.Equal(3, rs.Spec.Replicas);
        Assert.Equal("1", rs.Metadata.Annotations[DeploymentPlan.RevisionAnnotation]);
        Assert.Equal(hash, rs.Spec.Template.Metadata.Labels[PodTemplateHash.Label]);
        Assert.Equal(hash, rs.Spec.Selector.MatchLabels[PodTemplateHash.Label]);
        var owner = Assert.Single(rs.Metadata.OwnerReferences);
        Assert.True(owner.Controller);
        Assert.Equal("uid-web", owner.Uid);
    }

    [Fact]
    public void Template_change_starts_a_surge_limited_rollout_with_the_next_revision()
    {
        var v1 = Deployment("web", "img:1", 3);
        var oldRs = DeploymentPlan.Compute(v1, []).Create!;
        oldRs.Status = new V1ReplicaSetStatus { Replicas = 3, AvailableReplicas = 3, ReadyReplicas = 3 };
        var v2 = Deployment("web", "img:2", 3);
        v2.Spec.Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "1", MaxUnavailable = "0" } };

        var actions = DeploymentPlan.Compute(v2, [oldRs]);

        Assert.Equal(1, actions.Create!.Spec.Replicas);
        Assert.Equal("2", actions.Create.Metadata.Annotations[DeploymentPlan.RevisionAnnotation]);
        Assert.Empty(actions.Changes);
    }

    [Fact]
    public void Recreate_scales_old_to_zero_before_the_new_one_gets_pods()
    {
        var v1 = Deployment("web", "img:1", 2);
        var oldRs = DeploymentPlan.Compute(v1, []).Create!;
        oldRs.Status = new V1ReplicaSetStatus { Replicas = 2 };
        var v2 = Deployment("web", "img:2", 2);
        v2.Spec.Strategy = new V1DeploymentStrategy { Type = "Recreate" };

        var first = DeploymentPlan.Compute(v2, [oldRs]);
        Assert.Equal(0, first.Create!.Spec.Replicas);
        Assert.Equal(new ReplicaSetChange(oldRs.Metadata.Name, 0, null), Assert.Single(first.Changes));

        oldRs.Spec.Replicas = 0;
        oldRs.Metadata.Uid = "old-uid";
        var newRs = first.Create;
        Assert.Empty(DeploymentPlan.Compute(v2, [oldRs, newRs]).Changes);

        // Status says no replicas, but a terminating pod still exists: keep waiting.
        oldRs.Status.Replicas = 0;
        Assert.Empty(DeploymentPlan.Compute(v2, [oldRs, newRs], new Dictionary<string, int> { ["old-uid"] = 1 }).Changes);
        Assert.Equal(new ReplicaSetChange(newRs.Metadata.Name, 2, null), Assert.Single(DeploymentPlan.Compute(v2, [oldRs, newRs], new Dictionary<string, int>()).Changes));
    }

    [Fact]
    public void Scaling_changes_only_the_current_replica_set()
    {
        var deployment = Deployment("web", "img:1", 3);
        var rs = DeploymentPlan.Compute(deployment, []).Create!;
        deployment.Spec.Replicas = 5;

        Assert.Equal(new ReplicaSetChange(rs.Metadata.Name, 5, null), Assert.Single(DeploymentPlan.Compute(deployment, [rs]).Changes));

        deployment.Spec.Replicas = 1;
        Assert.Equal(new ReplicaSetChange(rs.Metadata.Name, 1, null), Assert.Single(DeploymentPlan.Compute(deployment, [rs]).Changes));
    }

    [Fact]
    public void Status_reports_counts_and_conditions()
    {
        var deployment = Deployment("web", "img:1", 3);
        var rs = DeploymentPlan.Compute(deployment, []).Create!;
        rs.Status = new V1ReplicaSetStatus { Replicas = 3, ReadyReplicas = 3, AvailableReplicas = 3 };
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var status = DeploymentStatusCalculator.Compute(deployment, [rs], now);

        Assert.Equal((3, 3, 3, 3, 0), (status.Replicas, status.UpdatedReplicas, status.ReadyReplicas, status.AvailableReplicas, status.UnavailableReplicas));
        Assert.Equal(7, status.ObservedGeneration);
        Assert.Contains(status.Conditions, c => c.Type == "Available" && c.Status == "True" && c.Reason == "MinimumReplicasAvailable");
        Assert.Contains(status.Conditions, c => c.Type == "Progressing" && c.Reason == "NewReplicaSetAvailable");
    }

    [Fact]
    public void Progress_deadline_is_reported_when_nothing_moves()
    {
        var deployment = Deployment("web", "img:1", 3);
        deployment.Spec.ProgressDeadlineSeconds = 60;
        var rs = DeploymentPlan.Compute(deployment, []).Create!;
        rs.Status = new V1ReplicaSetStatus { Replicas = 3 };
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        deployment.Status = DeploymentStatusCalculator.Compute(deployment, [rs], start);

        var later = DeploymentStatusCalculator.Compute(deployment, [rs], start.AddSeconds(61));

        var progressing = Assert.Single(later.Conditions, c => c.Type == "Progressing");
        Assert.Equal(("False", "ProgressDeadlineExceeded"), (progressing.Status, progressing.Reason));
        Assert.Equal(start.UtcDateTime, Assert.Single(later.Conditions, c => c.Type == "Available").LastTransitionTime);
    }

    [Fact]
    public void Old_idle_replica_sets_beyond_the_history_limit_are_deleted()
    {
        var deployment = Deployment("web", "img:9", 1);
        deployment.Spec.RevisionHistoryLimit = 1;
        var olds = Enumerable.Range(1, 3).Select(i =>
        {
            var rs = DeploymentPlan.Compute(Deployment("web", $"img:{i}", 1), []).Create!;
            rs.Metadata.Annotations[DeploymentPlan.RevisionAnnotation] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            rs.Spec.Replicas = 0;
            return rs;
        }).ToList();
        var current = DeploymentPlan.Compute(deployment, olds).Create!;

        var actions = DeploymentPlan.Compute(deployment, [.. olds, current]);

        Assert.Equal([olds[0].Metadata.Name, olds[1].Metadata.Name], actions.Deletes);
    }

    internal static V1Deployment Deployment(string name, string image, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = $"uid-{name}", Generation = 7 },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = image }] },
            },
        },
    };
}
