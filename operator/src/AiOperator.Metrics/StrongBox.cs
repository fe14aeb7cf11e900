namespace AiOperator.Metrics;

// A mutable cell so a series can be updated under a lock on the cell itself.
internal sealed class StrongBox<T>
{
    public T Value = default!;
}
