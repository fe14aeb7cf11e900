using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Scheduling;

// What the pods bound to one node request in total (the scheduler cache's NodeInfo). Summed once per
// scheduling pass and updated as the pass binds, instead of re-summed per pending pod and node, which
// made a pass over 2,000 pending pods on 250 nodes quadratic in the pod count.
internal sealed class NodeUsage
{
    private readonly Dictionary<string, decimal> _requested = new(StringComparer.Ordinal);

    public int PodCount { get; private set; }

    public decimal Requested(string resource) => _requested.GetValueOrDefault(resource);

    public void Add(IReadOnlyDictionary<string, decimal> podRequests)
    {
        PodCount++;
        foreach (var (name, amount) in podRequests)
        {
            _requested[name] = _requested.GetValueOrDefault(name) + amount;
        }
    }

    public static NodeUsage Of(IEnumerable<V1Pod> podsOnNode)
    {
        var usage = new NodeUsage();
        foreach (var pod in podsOnNode)
        {
            usage.Add(PodRequests.For(pod));
        }

        return usage;
    }

    // Per node name, over the pods that still hold their resources (bound and not finished).
    public static Dictionary<string, NodeUsage> ByNode(IEnumerable<V1Pod> pods) => ByNode(pods, PodRequests.For);

    public static Dictionary<string, NodeUsage> ByNode(IEnumerable<V1Pod> pods, Func<V1Pod, IReadOnlyDictionary<string, decimal>> requestsOf)
    {
        var byNode = new Dictionary<string, NodeUsage>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (string.IsNullOrEmpty(pod.Spec?.NodeName) || pod.Status?.Phase is "Succeeded" or "Failed")
            {
                continue;
            }

            if (!byNode.TryGetValue(pod.Spec.NodeName, out var usage))
            {
                usage = new NodeUsage();
                byNode[pod.Spec.NodeName] = usage;
            }

            usage.Add(requestsOf(pod));
        }

        return byNode;
    }
}
