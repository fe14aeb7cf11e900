namespace AiOperator.Metrics;

/// <summary>A monotonically increasing count per label-value tuple.</summary>
public sealed class Counter : ScalarMetric
{
    internal Counter(string name, string help, string[] labelNames)
        : base(name, help, "counter", labelNames)
    {
    }

    public void Inc(params string[] labelValues) => Add(1, labelValues);

    public void Add(double amount, params string[] labelValues) => Add(Series(labelValues), amount);

    /// <summary>The series for these label values, created (and exposed, at 0) now: hot paths keep it and skip the lookup.</summary>
    public CounterSeries WithLabels(params string[] labelValues) => new(Series(labelValues));

    internal static void Add(StrongBox<double> box, double amount)
    {
        if (amount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), "A counter only goes up.");
        }

        Update(box, v => v + amount);
    }
}
