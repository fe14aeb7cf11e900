namespace AiOperator.Operator.Tests.Integration;

/// <summary>Integration tests share one local cluster; each test runs its own operator scoped to its own namespace.</summary>
[CollectionDefinition(Name)]
public sealed class OperatorClusterCollection : ICollectionFixture<OperatorCluster>
{
    public const string Name = "operator-cluster";
}
