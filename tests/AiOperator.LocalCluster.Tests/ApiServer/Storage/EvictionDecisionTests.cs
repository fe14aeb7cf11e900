using AiOperator.LocalCluster.ApiServer.Storage;
using AiOperator.LocalCluster.Tests.Simulation.Disruption;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Storage;

public sealed class EvictionDecisionTests
{
    private static V1PodDisruptionBudget Budget(int allowed, int desired = 2, int current = 3, long observed = 1)
    {
        var pdb = BudgetHealthTests.Budget(maxUnavailable: 1);
        pdb.Status = new V1PodDisruptionBudgetStatus { ObservedGeneration = observed, DisruptionsAllowed = allowed, DesiredHealthy = desired, CurrentHealthy = current, ExpectedPods = 3 };
        return pdb;
    }

    [Fact]
    public void A_budget_that_allows_a_disruption_is_charged()
    {
        var pdb = Budget(1);

        var decision = EvictionDecision.Decide(BudgetHealthTests.Pod("a", true), [pdb]);

        Assert.Same(pdb, decision.Charge);
        Assert.Null(decision.Refusal);
    }

    [Fact]
    public void A_spent_budget_or_one_not_yet_processed_refuses_with_429()
    {
        var spent = EvictionDecision.Decide(BudgetHealthTests.Pod("a", true), [Budget(0, current: 2)]);
        var stale = EvictionDecision.Decide(BudgetHealthTests.Pod("a", true), [Budget(1, observed: 0)]);

        Assert.Equal(429, spent.Refusal?.Code);
        Assert.Equal(429, stale.Refusal?.Code);
        Assert.Equal("The disruption budget web is still being processed by the server.", Assert.Single(stale.Refusal!.Details!.Causes!).Message);
    }

    [Fact]
    public void Two_budgets_over_one_pod_are_an_error_and_a_negative_budget_is_forbidden()
    {
        Assert.Equal(500, EvictionDecision.Decide(BudgetHealthTests.Pod("a", true), [Budget(1), Budget(1)]).Refusal?.Code);
        Assert.Equal(403, EvictionDecision.Decide(BudgetHealthTests.Pod("a", true), [Budget(-1)]).Refusal?.Code);
    }

    [Fact]
    public void An_unready_pod_goes_free_while_the_budget_is_met_and_is_charged_when_it_is_not()
    {
        var unready = BudgetHealthTests.Pod("a", false);

        var met = EvictionDecision.Decide(unready, [Budget(0, desired: 2, current: 2)]);
        var short_ = EvictionDecision.Decide(unready, [Budget(0, desired: 2, current: 1)]);
        var alwaysBudget = Budget(0, desired: 2, current: 1);
        alwaysBudget.Spec.UnhealthyPodEvictionPolicy = "AlwaysAllow";
        var always = EvictionDecision.Decide(unready, [alwaysBudget]);

        Assert.Equal((null, null), (met.Charge, met.Refusal));
        Assert.Equal(429, short_.Refusal?.Code);
        Assert.Equal((null, null), (always.Charge, always.Refusal));
    }

    [Fact]
    public void Terminating_finished_and_pending_pods_and_pods_no_budget_selects_go_free()
    {
        var terminating = BudgetHealthTests.Pod("a", true);
        terminating.Metadata.DeletionTimestamp = DateTime.UtcNow;
        var finished = BudgetHealthTests.Pod("b", true);
        finished.Status.Phase = "Succeeded";
        var other = BudgetHealthTests.Pod("c", true, app: "other");

        foreach (var pod in new[] { terminating, finished, other })
        {
            var decision = EvictionDecision.Decide(pod, [Budget(0, current: 2)]);
            Assert.Equal((null, null), (decision.Charge, decision.Refusal));
        }
    }
}
