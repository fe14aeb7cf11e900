namespace AiOperator.Operator.Rollouts;

/// <summary>
/// The imperative annotations on a ModelDeployment (rollback-to, promote, abort), parsed. Each one present is
/// acted on once and removed, valid or not.
/// </summary>
internal sealed record RolloutCommands(string? RollbackTo, PromoteMode? Promote, bool Abort, IReadOnlyList<string> Present, IReadOnlyList<string> Problems)
{
    public const string RollbackToAnnotation = "aioperator.dev/rollback-to";
    public const string PromoteAnnotation = "aioperator.dev/promote";
    public const string AbortAnnotation = "aioperator.dev/abort";

    public static RolloutCommands None { get; } = new(null, null, false, [], []);

    public static RolloutCommands Parse(IDictionary<string, string>? annotations)
    {
        if (annotations is null)
        {
            return None;
        }

        var present = new List<string>();
        var problems = new List<string>();
        string? rollbackTo = null;
        PromoteMode? promote = null;
        var abort = false;
        if (annotations.TryGetValue(RollbackToAnnotation, out var target))
        {
            present.Add(RollbackToAnnotation);
            rollbackTo = target?.Trim();
            if (string.IsNullOrEmpty(rollbackTo))
            {
                problems.Add($"{RollbackToAnnotation} needs a revision name from status.revisions");
                rollbackTo = null;
            }
        }

        if (annotations.TryGetValue(PromoteAnnotation, out var mode))
        {
            present.Add(PromoteAnnotation);
            promote = mode?.Trim() switch
            {
                "step" => PromoteMode.Step,
                "full" => PromoteMode.Full,
                _ => null,
            };
            if (promote is null)
            {
                problems.Add($"{PromoteAnnotation} must be 'step' or 'full', not '{mode}'");
            }
        }

        if (annotations.TryGetValue(AbortAnnotation, out var flag))
        {
            present.Add(AbortAnnotation);
            abort = string.Equals(flag?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
            if (!abort)
            {
                problems.Add($"{AbortAnnotation} must be 'true', not '{flag}'");
            }
        }

        return present.Count == 0 ? None : new RolloutCommands(rollbackTo, promote, abort, present, problems);
    }
}
