namespace AiOperator.ControllerRuntime.Metrics;

/// <summary>A monotonically increasing count per label-value tuple.</summary>
public sealed class Counter : ScalarMetric
{
    internal Counter(string name, string help, string[] labelNames)
        : base(name, help, "counter", labelNames)
    {
    }

    public void Inc(params string[] labelValues) => Add(1, labelValues);

    public void Add(double amount, params string[] labelValues)
    {
        if (amount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), "A counter only goes up.");
        }

        Update(labelValues, v => v + amount);
    }
}
