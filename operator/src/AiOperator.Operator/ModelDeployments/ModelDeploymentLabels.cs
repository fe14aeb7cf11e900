namespace AiOperator.Operator.ModelDeployments;

/// <summary>Labels the operator puts on, and reads from, ModelDeployment children (the rollout annotations are RolloutCommands).</summary>
internal static class ModelDeploymentLabels
{
    public const string ModelDeployment = "aioperator.dev/model-deployment";
    public const string Revision = "aioperator.dev/revision";
    public const string Name = "app.kubernetes.io/name";
    public const string Instance = "app.kubernetes.io/instance";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Component = "app.kubernetes.io/component";
    public const string ModelServer = "aiop-model-server";
    public const string Operator = "aioperator";

    public static string Selector(string modelDeployment) => $"{ModelDeployment}={modelDeployment}";
}
