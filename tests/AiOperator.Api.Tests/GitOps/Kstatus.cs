using System.Text.Json.Nodes;

namespace AiOperator.Api.Tests.GitOps;

/// <summary>
/// The rules kstatus (sigs.k8s.io/cli-utils, which Flux's health checks use) applies to a custom
/// resource with no kind-specific rules: deletion → Terminating; an observedGeneration that differs from
/// metadata.generation → InProgress; condition Reconciling=True → InProgress; Stalled=True → Failed;
/// otherwise Current. Written from kstatus's documented behaviour, to check our status against it.
/// </summary>
internal static class Kstatus
{
    public static string Compute(JsonObject obj)
    {
        if (obj["metadata"]?["deletionTimestamp"] is JsonValue)
        {
            return "Terminating";
        }

        var generation = obj["metadata"]?["generation"];
        var observed = obj["status"]?["observedGeneration"];
        if (generation is not null && observed is not null && generation.GetValue<long>() != observed.GetValue<long>())
        {
            return "InProgress";
        }

        foreach (var condition in obj["status"]?["conditions"]?.AsArray() ?? [])
        {
            var type = condition?["type"]?.GetValue<string>();
            var status = condition?["status"]?.GetValue<string>();
            if (type == "Reconciling" && status == "True")
            {
                return "InProgress";
            }

            if (type == "Stalled" && status == "True")
            {
                return "Failed";
            }
        }

        return "Current";
    }
}
