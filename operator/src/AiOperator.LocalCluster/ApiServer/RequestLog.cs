using System.Collections.Concurrent;

namespace AiOperator.LocalCluster.ApiServer;

/// <summary>Every request the server answered, newest last; cheap to append and to clear.</summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<RequestRecord> _records = new();
    private readonly int _capacity;

    internal RequestLog(int capacity)
    {
        _capacity = Math.Max(1, capacity);
    }

    /// <summary>Requests recorded so far (at most the configured capacity).</summary>
    public int Count => _records.Count;

    /// <summary>A copy of the records, oldest first.</summary>
    public IReadOnlyList<RequestRecord> Snapshot() => _records.ToArray();

    /// <summary>The recorded writes (create/update/patch/delete/deletecollection).</summary>
    public IReadOnlyList<RequestRecord> Writes() => _records.Where(r => r.IsWrite).ToList();

    /// <summary>Forgets everything recorded so far.</summary>
    public void Clear() => _records.Clear();

    internal void Add(RequestRecord record)
    {
        _records.Enqueue(record);
        while (_records.Count > _capacity && _records.TryDequeue(out _))
        {
        }
    }
}
