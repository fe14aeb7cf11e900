using System.Buffers.Binary;

namespace AiOperator.Trainer.Distributed;

/// <summary>
/// Length-prefixed frames: a 4-byte big-endian payload length, a type byte, the payload. The length
/// is checked against the limit before anything is allocated, so a stray or hostile connection cannot
/// make a rank allocate more than <see cref="MaxPayloadBytes"/>.
/// </summary>
internal static class FrameCodec
{
    // Far above what this network needs (a state is a few KiB) and far below harm.
    public const int MaxPayloadBytes = 1 << 20;
    private const int HeaderBytes = 5;

    public static async Task WriteAsync(Stream stream, FrameType type, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            throw new InvalidDataException($"frame payload of {payload.Length} bytes exceeds the limit of {MaxPayloadBytes}");
        }

        var buffer = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(buffer, payload.Length);
        buffer[4] = (byte)type;
        payload.CopyTo(buffer.AsMemory(HeaderBytes));
        await stream.WriteAsync(buffer, ct);
        await stream.FlushAsync(ct);
    }

    /// <summary>Reads one frame; EndOfStreamException when the peer closed, InvalidDataException when the frame is malformed.</summary>
    public static async Task<Frame> ReadAsync(Stream stream, CancellationToken ct)
    {
        var header = new byte[HeaderBytes];
        await stream.ReadExactlyAsync(header, ct);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < 0 || length > MaxPayloadBytes)
        {
            throw new InvalidDataException($"frame length {length} is outside 0..{MaxPayloadBytes}");
        }

        var type = (FrameType)header[4];
        if (!Enum.IsDefined(type))
        {
            throw new InvalidDataException($"unknown frame type {header[4]}");
        }

        var payload = new byte[length];
        await stream.ReadExactlyAsync(payload, ct);
        return new Frame(type, payload);
    }
}
