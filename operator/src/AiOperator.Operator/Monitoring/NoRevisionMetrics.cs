namespace AiOperator.Operator.Monitoring;

/// <summary>No scraper: every window is empty, so analysis stays inconclusive and autoscaling holds.</summary>
public sealed class NoRevisionMetrics : IRevisionMetrics
{
    public static readonly NoRevisionMetrics Instance = new();

    public RevisionMetrics? Snapshot(string @namespace, string modelDeployment, string revision, TimeSpan window) => null;
}
