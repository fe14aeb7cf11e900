namespace AiOperator.ModelServer.Hosting;

/// <summary>
/// Bounds the inference requests being read and parsed at once (the queue limit only applies after
/// parsing): a request that finds every place taken is refused with 503 at once rather than held.
/// </summary>
internal sealed class ReadGate(int limit)
{
    private int _active;

    public int Limit => limit;

    public int Active => Volatile.Read(ref _active);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _active) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _active);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _active);
}
