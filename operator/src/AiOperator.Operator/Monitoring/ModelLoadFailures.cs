namespace AiOperator.Operator.Monitoring;

/// <summary>Current load failures by pod; the scraper sets and clears them, the reconciler reads them.</summary>
internal sealed class ModelLoadFailures : IModelLoadFailures
{
    private readonly Dictionary<(string Namespace, string Pod), (string ModelDeployment, ModelLoadFailure Failure)> _failures = [];
    private readonly Lock _lock = new();

    /// <summary>Records a failure; true when it is new or its reason changed (the ModelDeployment should look again).</summary>
    public bool Set(string @namespace, string modelDeployment, ModelLoadFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        lock (_lock)
        {
            var changed = !_failures.TryGetValue((@namespace, failure.Pod), out var existing) || existing.Failure.Reason != failure.Reason;
            if (changed)
            {
                _failures[(@namespace, failure.Pod)] = (modelDeployment, failure);
            }

            return changed;
        }
    }

    /// <summary>Clears a pod's failure; true when there was one.</summary>
    public bool Clear(string @namespace, string pod)
    {
        lock (_lock)
        {
            return _failures.Remove((@namespace, pod));
        }
    }

    public void Retain(IReadOnlySet<(string Namespace, string Pod)> live)
    {
        lock (_lock)
        {
            foreach (var key in _failures.Keys.Where(k => !live.Contains(k)).ToList())
            {
                _failures.Remove(key);
            }
        }
    }

    public IReadOnlyList<ModelLoadFailure> For(string @namespace, string modelDeployment)
    {
        lock (_lock)
        {
            return [.. _failures.Where(f => f.Key.Namespace == @namespace && f.Value.ModelDeployment == modelDeployment).Select(f => f.Value.Failure)];
        }
    }
}
