using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Networking;

// Pods by namespace, label key and value, built once per pass of the endpoints controller: a
// Service's candidates are the pods carrying one of its selector's pairs, not every pod in the
// cluster (a thousand Services over two thousand pods made each pass quadratic).
internal sealed class PodLabelIndex
{
    private readonly Dictionary<(string Namespace, string Key, string Value), List<V1Pod>> _pods = [];

    public PodLabelIndex(IEnumerable<V1Pod> pods)
    {
        foreach (var pod in pods)
        {
            foreach (var (key, value) in pod.Metadata.Labels ?? new Dictionary<string, string>())
            {
                var at = (pod.Metadata.NamespaceProperty ?? string.Empty, key, value);
                if (!_pods.TryGetValue(at, out var list))
                {
                    list = [];
                    _pods[at] = list;
                }

                list.Add(pod);
            }
        }
    }

    // A superset of the pods the selector matches (those with its rarest pair); empty for no selector.
    public IReadOnlyList<V1Pod> Candidates(string? ns, IDictionary<string, string>? selector)
    {
        List<V1Pod> best = [];
        var first = true;
        foreach (var (key, value) in selector ?? new Dictionary<string, string>())
        {
            var pods = _pods.TryGetValue((ns ?? string.Empty, key, value), out var list) ? list : [];
            if (first || pods.Count < best.Count)
            {
                best = pods;
                first = false;
            }
        }

        return best;
    }
}
