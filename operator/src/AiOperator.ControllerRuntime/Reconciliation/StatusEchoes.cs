using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Informers;

namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>
/// A digest of the status this process last wrote to each object, recorded before the write is sent, so
/// a controller can tell its own write coming back through the watch (nothing new to look at) from a
/// status someone else wrote (reconciled like any change). By content, not resourceVersion: the watch
/// event can arrive before the write's response does. One entry per object, replaced on every write,
/// removed on delete; 16 bytes each.
/// </summary>
public sealed class StatusEchoes
{
    private readonly ConcurrentDictionary<(string Kind, ObjectKey Key), UInt128> _written = new();

    public int Count => _written.Count;

    public void Record(ResourceKind kind, ObjectKey key, JsonNode? status)
    {
        ArgumentNullException.ThrowIfNull(kind);
        _written[(Name(kind), key)] = Digest(status);
    }

    /// <summary>True when this status is the one this process last wrote to the object.</summary>
    public bool IsEcho(ResourceKind kind, ObjectKey key, JsonNode? status)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return _written.TryGetValue((Name(kind), key), out var written) && written == Digest(status);
    }

    /// <summary>
    /// True when this process last wrote a status to the object that is neither <paramref name="seen"/> (what
    /// the cache holds) nor <paramref name="wanted"/>: a write the cache has not caught up with yet, or one that
    /// failed. Either way the cache cannot vouch that <paramref name="wanted"/> is what the object holds.
    /// </summary>
    public bool HasUnseenWrite(ResourceKind kind, ObjectKey key, JsonNode? seen, JsonNode? wanted)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return _written.TryGetValue((Name(kind), key), out var written) && written != Digest(seen) && written != Digest(wanted);
    }

    public void Forget(ResourceKind kind, ObjectKey key)
    {
        ArgumentNullException.ThrowIfNull(kind);
        _written.TryRemove((Name(kind), key), out _);
    }

    private static string Name(ResourceKind kind) => kind.Plural + "." + kind.Group;

    private static UInt128 Digest(JsonNode? status)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(status?.ToJsonString() ?? "null"), hash);
        return new UInt128(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[8..]));
    }
}
