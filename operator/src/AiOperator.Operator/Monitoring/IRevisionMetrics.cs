namespace AiOperator.Operator.Monitoring;

/// <summary>
/// Read side of the monitoring windows: what one revision's pods served over a recent window. The
/// scraper fills it; the autoscaler, the rollout analysis and status.metrics read it.
/// </summary>
public interface IRevisionMetrics
{
    /// <summary>The revision's figures over the last <paramref name="window"/>, or null when nothing was scraped.</summary>
    RevisionMetrics? Snapshot(string @namespace, string modelDeployment, string revision, TimeSpan window);
}
