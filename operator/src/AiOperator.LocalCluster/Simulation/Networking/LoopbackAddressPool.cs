using System.Net;

namespace AiOperator.LocalCluster.Simulation.Networking;

// Hands out unique loopback addresses from a range of 127/8 (all of which Linux routes to lo).
// 127.0.0.1 is never handed out: the API server owns it. Released addresses go to the back of the
// line so a restarted pod does not get the address of one whose connections may still linger.
internal sealed class LoopbackAddressPool
{
    private readonly uint _first;
    private readonly uint _last;
    private readonly HashSet<uint> _inUse = [];
    private readonly Lock _lock = new();
    private uint _next;

    public LoopbackAddressPool(IPAddress first, IPAddress last, int startOffset = 0)
    {
        _first = ToUInt(first);
        _last = ToUInt(last);
        if ((_first >> 24) != 127 || (_last >> 24) != 127 || _first > _last)
        {
            throw new ArgumentException($"address range {first}-{last} must lie inside 127.0.0.0/8 and be ordered");
        }

        _next = _first + (uint)(Math.Abs((long)startOffset) % (_last - _first + 1));
    }

    public int Capacity => (int)(_last - _first + 1);

    // Shared by every cluster in this process, starting at a random point so that clusters in
    // other processes on the same machine are unlikely to hand out the same addresses.
    public static LoopbackAddressPool Pods { get; } = new(IPAddress.Parse("127.2.0.1"), IPAddress.Parse("127.127.255.254"), Random.Shared.Next());

    public static LoopbackAddressPool Services { get; } = new(IPAddress.Parse("127.1.0.1"), IPAddress.Parse("127.1.255.254"), Random.Shared.Next());

    public IPAddress Allocate()
    {
        lock (_lock)
        {
            for (var tried = 0u; tried <= _last - _first; tried++)
            {
                var candidate = _next;
                _next = _next == _last ? _first : _next + 1;
                if (IsUsable(candidate) && _inUse.Add(candidate))
                {
                    return FromUInt(candidate);
                }
            }

            throw new InvalidOperationException($"loopback address range {FromUInt(_first)}-{FromUInt(_last)} is exhausted");
        }
    }

    public bool TryReserve(IPAddress address)
    {
        var value = ToUInt(address);
        lock (_lock)
        {
            return value >= _first && value <= _last && IsUsable(value) && _inUse.Add(value);
        }
    }

    public void Release(IPAddress address)
    {
        lock (_lock)
        {
            _inUse.Remove(ToUInt(address));
        }
    }

    // .0 and .255 host bytes are skipped: tools treat them as network/broadcast addresses.
    private static bool IsUsable(uint value) => (value & 0xFF) is not 0 and not 255 && value != 0x7F000001;

    private static uint ToUInt(IPAddress address)
    {
        var b = address.GetAddressBytes();
        if (b.Length != 4)
        {
            throw new ArgumentException($"{address} is not an IPv4 address");
        }

        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }

    private static IPAddress FromUInt(uint v) => new([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
}
