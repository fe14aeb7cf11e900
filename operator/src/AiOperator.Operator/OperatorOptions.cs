namespace AiOperator.Operator;

/// <summary>Settings of the operator process that reconcilers read.</summary>
internal sealed record OperatorOptions
{
    public const string DefaultModelServerImage = "ghcr.io/aioperator/model-server:0.1.0";

    /// <summary>Image of ModelDeployment pods unless spec.runtime.image says otherwise.</summary>
    public string ModelServerImage { get; init; } = DefaultModelServerImage;

    /// <summary>The example trainer image: its <c>report</c> subcommand is what the output reader pod runs.</summary>
    public const string DefaultOutputReaderImage = "ghcr.io/aioperator/trainer:0.1.0";

    /// <summary>Image of the pod that reads a TrainingJob's output when rank 0 reported nothing; runs <c>report --output PATH</c>.</summary>
    public string OutputReaderImage { get; init; } = DefaultOutputReaderImage;
}
