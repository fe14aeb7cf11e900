namespace AiOperator.Operator.Monitoring;

/// <summary>No scraper: load failures surface only through the startup probe and termination messages.</summary>
public sealed class NoModelLoadFailures : IModelLoadFailures
{
    public static readonly NoModelLoadFailures Instance = new();

    public IReadOnlyList<ModelLoadFailure> For(string @namespace, string modelDeployment) => [];
}
