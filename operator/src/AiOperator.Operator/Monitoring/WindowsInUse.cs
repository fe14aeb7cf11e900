namespace AiOperator.Operator.Monitoring;

/// <summary>
/// The windows the store has been read with lately, so it keeps samples only as long as the longest of
/// them: a window counts while it was read within the last <c>limit</c>, and none is longer than the limit.
/// Until the first read, and when nothing was read within the limit, the whole limit is kept. Not
/// thread-safe (the store holds its lock).
/// </summary>
internal sealed class WindowsInUse(TimeSpan limit)
{
    // Few distinct windows are read (the autoscaler's two, each canary's interval): a small map, pruned as read.
    private readonly Dictionary<TimeSpan, DateTimeOffset> _lastRead = [];

    public TimeSpan Limit { get; } = limit;

    public void Read(TimeSpan window, DateTimeOffset now)
    {
        if (window > TimeSpan.Zero)
        {
            _lastRead[window < Limit ? window : Limit] = now;
        }
    }

    public TimeSpan Longest(DateTimeOffset now)
    {
        var longest = TimeSpan.Zero;
        List<TimeSpan>? stale = null;
        foreach (var (window, at) in _lastRead)
        {
            if (now - at > Limit)
            {
                (stale ??= []).Add(window);
            }
            else if (window > longest)
            {
                longest = window;
            }
        }

        foreach (var window in stale ?? [])
        {
            _lastRead.Remove(window);
        }

        return longest == TimeSpan.Zero ? Limit : longest;
    }
}
