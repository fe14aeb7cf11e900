using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Autoscaling;

/// <summary>
/// The load of a whole ModelDeployment (every live revision summed) over the stable and panic windows,
/// and its pods: ready ones serve, reporting ones had a successful scrape in the stable window.
/// </summary>
internal sealed record LoadObservation(RevisionMetrics? Stable, RevisionMetrics? Panic, int ReadyPods, int ReportingPods);
