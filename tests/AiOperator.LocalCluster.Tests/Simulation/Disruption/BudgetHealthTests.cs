using AiOperator.LocalCluster.Simulation.Disruption;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Disruption;

public sealed class BudgetHealthTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);

    internal static V1Pod Pod(string name, bool ready, string owner = "rs-1", string app = "web") => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "ns",
            Labels = new Dictionary<string, string> { ["app"] = app },
            OwnerReferences = owner.Length == 0 ? null : [new V1OwnerReference { Kind = "ReplicaSet", Name = owner, Uid = owner, Controller = true, ApiVersion = "apps/v1" }],
        },
        Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    internal static V1PodDisruptionBudget Budget(IntOrString? maxUnavailable = null, IntOrString? minAvailable = null, V1LabelSelector? selector = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "ns", Generation = 1 },
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = maxUnavailable,
            MinAvailable = minAvailable,
            Selector = selector ?? new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
        },
    };

    private static (string, int)? Scale3(V1Pod pod) =>
        pod.Metadata.OwnerReferences?.FirstOrDefault() is { } o ? (o.Uid, 3) : null;

    [Fact]
    public void Max_unavailable_counts_against_the_controllers_desired_replicas()
    {
        var pods = new[] { Pod("a", true), Pod("b", true), Pod("c", true) };

        var health = BudgetHealth.Compute(Budget(maxUnavailable: 1), pods, Scale3, Now);

        Assert.Equal((3, 2, 3, 1), (health.ExpectedPods, health.DesiredHealthy, health.CurrentHealthy, health.DisruptionsAllowed));
    }

    [Fact]
    public void A_pod_that_is_not_ready_or_is_terminating_is_not_healthy_and_spends_the_budget()
    {
        var terminating = Pod("c", true);
        terminating.Metadata.DeletionTimestamp = Now;
        var pods = new[] { Pod("a", true), Pod("b", false), terminating };

        var health = BudgetHealth.Compute(Budget(maxUnavailable: 1), pods, Scale3, Now);

        Assert.Equal(1, health.CurrentHealthy);
        Assert.Equal(0, health.DisruptionsAllowed);
    }

    [Fact]
    public void Min_available_as_a_number_counts_the_selected_pods_and_as_a_percentage_the_desired_replicas()
    {
        var pods = new[] { Pod("a", true), Pod("b", true) };

        var number = BudgetHealth.Compute(Budget(minAvailable: 1), pods, Scale3, Now);
        var percent = BudgetHealth.Compute(Budget(minAvailable: "50%"), pods, Scale3, Now);

        Assert.Equal((2, 1, 1), (number.ExpectedPods, number.DesiredHealthy, number.DisruptionsAllowed));
        // 50 % of 3 desired, rounded up: 2 must stay, and 2 are ready.
        Assert.Equal((3, 2, 0), (percent.ExpectedPods, percent.DesiredHealthy, percent.DisruptionsAllowed));
    }

    [Fact]
    public void A_pod_without_a_controller_with_a_scale_fails_safe()
    {
        var pods = new[] { Pod("a", true), Pod("b", true, owner: "") };

        var health = BudgetHealth.Compute(Budget(maxUnavailable: 1), pods, Scale3, Now);

        Assert.Equal(0, health.DisruptionsAllowed);
    }

    [Fact]
    public void An_eviction_in_flight_counts_as_gone_until_its_pod_is_deleted_or_two_minutes_pass()
    {
        var pods = new[] { Pod("a", true), Pod("b", true), Pod("c", true) };
        var pdb = Budget(maxUnavailable: 1);
        pdb.Status = new V1PodDisruptionBudgetStatus { DisruptedPods = new Dictionary<string, DateTime?> { ["a"] = Now.AddSeconds(-10), ["gone"] = Now } };

        var fresh = BudgetHealth.Compute(pdb, pods, Scale3, Now);
        var late = BudgetHealth.Compute(pdb, pods, Scale3, Now.AddMinutes(3));

        Assert.Equal((2, 0), (fresh.CurrentHealthy, fresh.DisruptionsAllowed));
        Assert.Equal(["a"], fresh.DisruptedPods.Keys);
        Assert.Equal((3, 1), (late.CurrentHealthy, late.DisruptionsAllowed));
        Assert.Empty(late.DisruptedPods);
    }

    [Fact]
    public void An_empty_selector_selects_the_whole_namespace_and_other_labels_are_not_counted()
    {
        var pods = new[] { Pod("a", true), Pod("b", true, app: "other") };

        var all = BudgetHealth.Compute(Budget(minAvailable: 1, selector: new V1LabelSelector()), pods, Scale3, Now);
        var web = BudgetHealth.Compute(Budget(minAvailable: 1), pods, Scale3, Now);

        Assert.Equal(2, all.ExpectedPods);
        Assert.Equal((1, 0), (web.ExpectedPods, web.DisruptionsAllowed));
    }

    [Fact]
    public void The_status_carries_the_condition_and_keeps_its_transition_time_while_unchanged()
    {
        var pdb = Budget(maxUnavailable: 1);
        var health = BudgetHealth.Compute(pdb, [Pod("a", true), Pod("b", true), Pod("c", true)], Scale3, Now);

        pdb.Status = BudgetStatus.From(health, pdb, Now);
        var again = BudgetStatus.From(health, pdb, Now.AddMinutes(1));

        var condition = Assert.Single(again.Conditions);
        Assert.Equal(("DisruptionAllowed", "True", "SufficientPods", Now), (condition.Type, condition.Status, condition.Reason, condition.LastTransitionTime));
        Assert.True(BudgetStatus.Same(pdb.Status, again));
        Assert.Equal(1, again.ObservedGeneration);
    }
}
