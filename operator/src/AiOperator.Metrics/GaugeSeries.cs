namespace AiOperator.Metrics;

/// <summary>One gauge series, for code that updates it often.</summary>
public sealed class GaugeSeries
{
    private readonly StrongBox<double> _box;

    internal GaugeSeries(StrongBox<double> box) => _box = box;

    public double Value => Volatile.Read(ref _box.Value);

    public void Set(double value) => Gauge.Change(_box, _ => value);

    public void Add(double amount) => Gauge.Change(_box, v => v + amount);
}
