using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Resources;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// The Priority admission plugin: a new pod's priorityClassName resolves to spec.priority (and
// preemptionPolicy) from its PriorityClass, or from the globalDefault class when it names none; a
// class that does not exist is 403, and a priority set by hand must agree with the class. The system
// classes are for pods in kube-system only.
// The two system classes kube-apiserver creates at start are seeded too.
internal sealed partial class ResourceRegistry
{
    public const string PriorityClassStoreKey = "scheduling.k8s.io/priorityclasses";

    private void SeedSystemPriorityClasses()
    {
        if (_catalog.FindByStoreKey(PriorityClassStoreKey) is not { } type)
        {
            return;
        }

        foreach (var (name, value, description) in new[]
        {
            ("system-node-critical", 2_000_001_000L, "Used for system critical pods that must not be moved from their current node."),
            ("system-cluster-critical", 2_000_000_000L, "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
        }.Where(c => !Exists(PriorityClassStoreKey, c.Item1)))
        {
            Create(type, "", new JsonObject
            {
                ["apiVersion"] = "scheduling.k8s.io/v1",
                ["kind"] = "PriorityClass",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["value"] = value,
                ["description"] = description,
            }, new WriteContext("kube-apiserver", false, false, FieldValidation.Ignore));
        }
    }

    // Runs under the store lock, on create only (priority is immutable afterwards).
    private void AdmitPriority(ResourceType type, JsonObject pod)
    {
        var spec = pod.EnsureObj("spec");
        var className = spec.Str("priorityClassName");
        JsonObject? priorityClass;
        if (!string.IsNullOrEmpty(className))
        {
            // Pods at the system priorities could preempt the cluster's own components: kube-system only.
            if (className is "system-node-critical" or "system-cluster-critical" && pod.Namespace() != "kube-system")
            {
                throw new ApiException(403, "Forbidden", $"pods \"{pod.Name()}\" is forbidden: pods with {className} priorityClass is not permitted in {pod.Namespace()} namespace",
                    new StatusDetails(pod.Name(), type.Group, type.Plural));
            }

            priorityClass = _store.Get(PriorityClassStoreKey, "", className)?.Object
                ?? throw new ApiException(403, "Forbidden", $"pods \"{pod.Name()}\" is forbidden: no PriorityClass with name {className} was found",
                    new StatusDetails(pod.Name(), type.Group, type.Plural));
        }
        else
        {
            priorityClass = _store.Enumerate(PriorityClassStoreKey, null).Select(s => s.Object).FirstOrDefault(c => JsonTree.IsTrue(c["globalDefault"]));
            if (priorityClass is not null)
            {
                spec["priorityClassName"] = priorityClass.Name();
            }
        }

        var priority = priorityClass?.Long("value") ?? 0;
        if (spec.Long("priority") is { } given && given != priority)
        {
            throw new ApiException(403, "Forbidden",
                $"pods \"{pod.Name()}\" is forbidden: the integer value of priority ({given}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name",
                new StatusDetails(pod.Name(), type.Group, type.Plural));
        }

        spec["priority"] = priority;
        if (priorityClass?.Str("preemptionPolicy") is { } preemption)
        {
            spec["preemptionPolicy"] ??= preemption;
        }
    }
}
