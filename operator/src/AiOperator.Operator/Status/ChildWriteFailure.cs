using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s.Models;

namespace AiOperator.Operator.Status;

/// <summary>
/// A write of a child that the API server refused for a reason retrying soon cannot fix (a same-named object
/// we do not own, an invalid or forbidden object), or that keeps failing: reported on the owner (ModelDeployment
/// or TrainingJob) as the ChildrenSynced=False condition in the API server's words and an Event, retried on a
/// capped schedule instead of hot (pure).
/// </summary>
internal sealed record ChildWriteFailure(string Reason, string Message, bool Transient)
{
    public const string ConditionType = "ChildrenSynced";

    private static readonly TimeSpan MinRetry = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMinutes(5);

    /// <summary>Null for a stale-cache conflict (an ordinary requeue fixes it); otherwise what to report.</summary>
    public static ChildWriteFailure? Classify(KubeApiException ex, string ownerKind)
    {
        ArgumentNullException.ThrowIfNull(ex);
        var what = Describe(ex);
        var said = ex.Status?.Message is { Length: > 0 } message ? message : $"HTTP {ex.StatusCode}";
        return ex.StatusCode switch
        {
            // Children are cached only when they carry our label, so a same-named object without it is
            // invisible until the create fails; recreating it will never succeed while that object exists.
            409 when ex.Status?.Reason == "AlreadyExists" => new("NameConflict",
                $"{what} already exists and is not managed by this {ownerKind}; delete or rename it (the API server said: {said})", Transient: false),
            409 => null,
            403 => new("WriteForbidden", $"writing {what} is forbidden: {said}", Transient: false),
            400 or 404 or 422 => new("WriteRejected", $"the API server refused {what}: {said}", Transient: false),
            _ => new("WriteFailed", $"writing {what} keeps failing: {said}", Transient: true),
        };
    }

    /// <summary>Capped backoff: as long again as the failure has lasted, between 10 s and 5 min.</summary>
    public static TimeSpan RetryAfter(IEnumerable<V1Condition>? conditions, DateTimeOffset now)
    {
        var previous = Conditions.Find(conditions, ConditionType);
        if (previous is not { Status: "False", LastTransitionTime: { } since })
        {
            return MinRetry;
        }

        var lasted = now - new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc));
        return lasted < MinRetry ? MinRetry : lasted > MaxRetry ? MaxRetry : lasted;
    }

    /// <summary>
    /// Children the cache shows under our names but owned by someone else, which are left untouched: null when
    /// there are none. Found before any write, so nothing is refused and there is nothing to retry: each
    /// reconcile looks again, and the condition clears once the objects are deleted or renamed.
    /// </summary>
    public static ChildWriteFailure? Conflicting(IReadOnlyCollection<string> children, string ownerKind) =>
        children.Count == 0
            ? null
            : new("NameConflict", $"{string.Join(", ", children)} {(children.Count == 1 ? "exists" : "exist")} and {(children.Count == 1 ? "is" : "are")} not owned by this {ownerKind}; left untouched: delete or rename {(children.Count == 1 ? "it" : "them")}", Transient: false);

    /// <summary>The conditions with ChildrenSynced=False for this failure; the others as they were.</summary>
    public List<V1Condition> SetOn(IEnumerable<V1Condition>? conditions, long? generation, DateTimeOffset now) =>
        Conditions.Set(conditions, ConditionType, false, Reason, Message, generation, now);

    /// <summary>Whether these conditions already say this failure (its Event was recorded then).</summary>
    public bool IsReportedIn(IEnumerable<V1Condition>? conditions) =>
        Conditions.Find(conditions, ConditionType) is { Status: "False" } previous && previous.Reason == Reason && previous.Message == Message;

    /// <summary>Every child written: the condition goes away.</summary>
    public static List<V1Condition>? Cleared(IList<V1Condition>? conditions) =>
        conditions?.Where(c => c.Type != ConditionType).ToList();

    private static string Describe(KubeApiException ex) =>
        ex.Status?.Details is { Name: { Length: > 0 } name } details ? $"{details.Kind} \"{name}\"" : "a child object";
}
