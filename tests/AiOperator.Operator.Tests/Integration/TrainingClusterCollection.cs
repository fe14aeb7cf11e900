namespace AiOperator.Operator.Tests.Integration;

/// <summary>TrainingJob integration tests share one <see cref="TrainingCluster"/>; each runs its own operator in its own namespace.</summary>
[CollectionDefinition(Name)]
public sealed class TrainingClusterCollection : ICollectionFixture<TrainingCluster>
{
    public const string Name = "training-cluster";
}
