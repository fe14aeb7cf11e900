using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Workloads;

// What the Job controller does in one pass: start PodsToCreate pods, stop PodsToDelete, write Status.
// FailedReason/Completed report the transition (for events); both are final.
internal sealed record JobDecision(int PodsToCreate, IReadOnlyList<V1Pod> PodsToDelete, V1JobStatus Status, string? FailedReason, bool Completed);
