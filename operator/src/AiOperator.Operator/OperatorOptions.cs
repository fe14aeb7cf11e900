namespace AiOperator.Operator;

/// <summary>Settings of the operator process that reconcilers read.</summary>
internal sealed record OperatorOptions
{
    public const string DefaultModelServerImage = "ghcr.io/aioperator/model-server:0.1.0";

    /// <summary>Image of ModelDeployment pods unless spec.runtime.image says otherwise.</summary>
    public string ModelServerImage { get; init; } = DefaultModelServerImage;
}
