namespace AiOperator.ModelServer.Metrics;

/// <summary>
/// Share of wall time in which at least one execution was running, over a sliding window: the
/// utilisation signal on CPU or a MIG slice, where NVML reports none.
/// </summary>
internal sealed class BusyRatio(TimeProvider time, TimeSpan window)
{
    private readonly Lock _lock = new();
    private readonly Queue<(long At, long Busy)> _samples = new();
    private readonly long _start = time.GetTimestamp();
    private int _active;
    private long _busySince;
    private long _busyTotal;

    public void Enter()
    {
        lock (_lock)
        {
            if (_active++ == 0)
            {
                _busySince = time.GetTimestamp();
            }
        }
    }

    public void Exit()
    {
        lock (_lock)
        {
            if (--_active == 0)
            {
                _busyTotal += time.GetTimestamp() - _busySince;
            }
        }
    }

    /// <summary>Busy share since the oldest sample still inside the window (or since start).</summary>
    public double Read()
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var busy = _busyTotal + (_active > 0 ? now - _busySince : 0);
            var windowTicks = (long)(window.TotalSeconds * time.TimestampFrequency);
            while (_samples.Count > 1 && now - _samples.ElementAt(1).At >= windowTicks)
            {
                _samples.Dequeue();
            }

            var (fromAt, fromBusy) = _samples.Count > 0 && now - _samples.Peek().At <= windowTicks * 2
                ? _samples.Peek()
                : (_start, 0L);
            if (_samples.Count == 0 || _samples.Last().At != now)
            {
                _samples.Enqueue((now, busy));
            }

            var elapsed = now - fromAt;
            return elapsed <= 0 ? 0 : Math.Clamp((double)(busy - fromBusy) / elapsed, 0, 1);
        }
    }
}
