using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Workloads;

internal static class PodReadiness
{
    public static bool IsActive(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null && pod.Status?.Phase is not ("Succeeded" or "Failed");

    public static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    // Available = Ready for at least minReadySeconds, measured from the Ready condition's transition.
    public static bool IsAvailable(V1Pod pod, int minReadySeconds, DateTimeOffset now)
    {
        var ready = pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready" && c.Status == "True");
        if (ready is null)
        {
            return false;
        }

        if (minReadySeconds <= 0)
        {
            return true;
        }

        var since = ready.LastTransitionTime is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : now;
        return since.AddSeconds(minReadySeconds) <= now;
    }
}
