using k8s.Models;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>metav1.Condition semantics: one condition per type; lastTransitionTime moves only when status flips.</summary>
public static class Conditions
{
    /// <summary>Returns a new list with the condition set; the input list is not changed.</summary>
    public static List<V1Condition> Set(IEnumerable<V1Condition>? existing, V1Condition condition, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentException.ThrowIfNullOrEmpty(condition.Type);
        if (condition.Status is not ("True" or "False" or "Unknown"))
        {
            throw new ArgumentException($"condition {condition.Type}: status must be True, False or Unknown, not '{condition.Status}'", nameof(condition));
        }

        var result = new List<V1Condition>();
        var replaced = false;
        foreach (var current in existing ?? [])
        {
            if (current.Type != condition.Type)
            {
                result.Add(current);
                continue;
            }

            if (replaced)
            {
                continue;
            }

            replaced = true;
            var transition = current.Status == condition.Status ? current.LastTransitionTime : Truncate(now);
            result.Add(condition with { LastTransitionTime = transition });
        }

        if (!replaced)
        {
            result.Add(condition with { LastTransitionTime = Truncate(now) });
        }

        return result;
    }

    public static List<V1Condition> Set(
        IEnumerable<V1Condition>? existing, string type, bool status, string reason, string message, long? observedGeneration, DateTimeOffset now) =>
        Set(existing, new V1Condition { Type = type, Status = status ? "True" : "False", Reason = reason, Message = message, ObservedGeneration = observedGeneration }, now);

    public static V1Condition? Find(IEnumerable<V1Condition>? conditions, string type) => conditions?.FirstOrDefault(c => c.Type == type);

    public static bool IsTrue(IEnumerable<V1Condition>? conditions, string type) => Find(conditions, type)?.Status == "True";

    // The API serializes whole seconds (RFC 3339); keeping sub-seconds would make every write look like a change.
    private static DateTime Truncate(DateTimeOffset now) => new(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
