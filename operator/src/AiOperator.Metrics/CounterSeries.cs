namespace AiOperator.Metrics;

/// <summary>One counter series, for code that updates it often.</summary>
public sealed class CounterSeries
{
    private readonly StrongBox<double> _box;

    internal CounterSeries(StrongBox<double> box) => _box = box;

    public double Value => Volatile.Read(ref _box.Value);

    public void Inc() => Counter.Add(_box, 1);

    public void Add(double amount) => Counter.Add(_box, amount);
}
