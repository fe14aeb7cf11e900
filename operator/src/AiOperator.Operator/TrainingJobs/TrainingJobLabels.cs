namespace AiOperator.Operator.TrainingJobs;

/// <summary>Labels the operator puts on, and reads from, TrainingJob children.</summary>
internal static class TrainingJobLabels
{
    public const string TrainingJob = "aioperator.dev/training-job";
    public const string Rank = "aioperator.dev/rank";

    /// <summary>The gang attempt (status.attempt when the pod was created): a new gang's pods are told apart from an old one's.</summary>
    public const string Gang = "aioperator.dev/gang";
    /// <summary>A hash of the spec that shapes the workers, as it was when the gang was made: a changed spec restarts the gang.</summary>
    public const string TemplateHash = "aioperator.dev/template-hash";
    public const string Name = "app.kubernetes.io/name";
    public const string Instance = "app.kubernetes.io/instance";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Trainer = "aiop-trainer";

    /// <summary>On the output reader pod instead of <see cref="TrainingJob"/>, so the rendezvous Service does not select it.</summary>
    public const string OutputReaderOf = "aioperator.dev/output-reader-of";
    public const string OutputReader = "aiop-output-reader";
    public const string Operator = "aioperator";
}
