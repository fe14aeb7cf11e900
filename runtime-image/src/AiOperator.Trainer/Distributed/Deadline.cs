namespace AiOperator.Trainer.Distributed;

/// <summary>A token cancelled after a timeout on the given clock, or when the outer token is.</summary>
internal sealed class Deadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    public Deadline(TimeSpan timeout, TimeProvider time, CancellationToken outer)
    {
        _timer = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(outer, _timer.Token);
    }

    public CancellationToken Token => _linked.Token;

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
