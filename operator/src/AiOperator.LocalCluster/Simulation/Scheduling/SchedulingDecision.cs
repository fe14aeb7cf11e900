namespace AiOperator.LocalCluster.Simulation.Scheduling;

// Either a node to bind to, or the Unschedulable message the pod's PodScheduled condition shows.
internal sealed record SchedulingDecision(string? NodeName, string? UnschedulableMessage)
{
    public static SchedulingDecision Bind(string node) => new(node, null);

    public static SchedulingDecision Unschedulable(string message) => new(null, message);
}
