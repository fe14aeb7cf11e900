using System.Collections.Concurrent;
using AiOperator.Operator.Monitoring;

namespace AiOperator.Operator.Tests.Integration;

/// <summary>Per-revision windows a test sets, so the operator's rollout analysis is driven deterministically.</summary>
internal sealed class ScriptedRevisionMetrics : IRevisionMetrics
{
    private readonly ConcurrentDictionary<string, RevisionMetrics> _byRevisionPrefix = new();

    public static RevisionMetrics Healthy { get; } = new(500, 50, 0.001, 4, 12, 20, 1, 0.4, 1, 0, DateTimeOffset.UnixEpoch);

    public static RevisionMetrics Failing { get; } = new(500, 50, 0.31, 4, 12, 20, 1, 0.4, 1, 0, DateTimeOffset.UnixEpoch);

    /// <summary>Window for every revision whose name starts with the prefix (the model version: "2-").</summary>
    public void Set(string revisionPrefix, RevisionMetrics window) => _byRevisionPrefix[revisionPrefix] = window;

    public RevisionMetrics? Snapshot(string @namespace, string modelDeployment, string revision, TimeSpan window) =>
        _byRevisionPrefix.FirstOrDefault(p => revision.StartsWith(p.Key, StringComparison.Ordinal)).Value is { } metrics
            ? metrics with { SampledAt = DateTimeOffset.UtcNow }
            : null;
}
