namespace AiOperator.Metrics;

/// <summary>A value that goes up and down per label-value tuple.</summary>
public sealed class Gauge : ScalarMetric
{
    internal Gauge(string name, string help, string[] labelNames)
        : base(name, help, "gauge", labelNames)
    {
    }

    public void Set(double value, params string[] labelValues) => Update(labelValues, _ => value);

    public void Add(double amount, params string[] labelValues) => Update(labelValues, v => v + amount);

    /// <summary>The series for these label values, created (and exposed, at 0) now: hot paths keep it and skip the lookup.</summary>
    public GaugeSeries WithLabels(params string[] labelValues) => new(Series(labelValues));

    /// <summary>Drops one series (e.g. of an object that no longer exists), so it is no longer exposed.</summary>
    public bool Remove(params string[] labelValues) => RemoveSeries(labelValues);

    internal static void Change(StrongBox<double> box, Func<double, double> change) => Update(box, change);
}
