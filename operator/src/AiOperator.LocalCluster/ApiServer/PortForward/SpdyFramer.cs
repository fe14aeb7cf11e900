using System.Buffers.Binary;

namespace AiOperator.LocalCluster.ApiServer.PortForward;

// SPDY/3 frame layout: 8-byte header (control bit, version 3 and type, or a 31-bit stream id; then
// 8 bits of flags and a 24-bit length) and the payload. Writes are serialized: several forwarded
// connections share one transport.
internal sealed class SpdyFramer(Stream transport) : IDisposable
{
    // kubectl writes 32 KiB at a time; anything far above is not a client we serve.
    public const int MaxPayload = 1024 * 1024;
    private const ushort Version = 3;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public async Task<SpdyFrame?> ReadAsync(CancellationToken ct)
    {
        var header = new byte[8];
        if (!await FillAsync(header, ct))
        {
            return null;
        }

        var first = BinaryPrimitives.ReadUInt32BigEndian(header);
        var flags = header[4];
        var length = (header[5] << 16) | (header[6] << 8) | header[7];
        if (length > MaxPayload)
        {
            throw new SpdyProtocolException($"frame of {length} bytes (at most {MaxPayload})");
        }

        var payload = new byte[length];
        if (!await FillAsync(payload, ct))
        {
            throw new SpdyProtocolException("connection closed inside a frame");
        }

        if ((first & 0x80000000) == 0)
        {
            return new SpdyFrame(false, SpdyFrameType.Data, first, flags, payload);
        }

        var version = (first >> 16) & 0x7FFF;
        if (version != Version)
        {
            throw new SpdyProtocolException($"SPDY version {version} (only 3 is spoken)");
        }

        return new SpdyFrame(true, (SpdyFrameType)(first & 0xFFFF), 0, flags, payload);
    }

    public Task WriteDataAsync(uint streamId, ReadOnlyMemory<byte> data, bool fin, CancellationToken ct) =>
        WriteAsync(streamId & 0x7FFFFFFF, fin ? SpdyFrame.FlagFin : (byte)0, data, ct);

    public Task WriteControlAsync(SpdyFrameType type, byte flags, ReadOnlyMemory<byte> payload, CancellationToken ct) =>
        WriteAsync(0x80000000 | ((uint)Version << 16) | (ushort)type, flags, payload, ct);

    private async Task WriteAsync(uint first, byte flags, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, first);
        frame[4] = flags;
        frame[5] = (byte)(payload.Length >> 16);
        frame[6] = (byte)(payload.Length >> 8);
        frame[7] = (byte)payload.Length;
        payload.CopyTo(frame.AsMemory(8));
        await _writeLock.WaitAsync(ct);
        try
        {
            await transport.WriteAsync(frame, ct);
            await transport.FlushAsync(ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private async Task<bool> FillAsync(byte[] buffer, CancellationToken ct)
    {
        var read = await transport.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
        if (read == 0 && buffer.Length > 0)
        {
            return false;
        }

        if (read < buffer.Length)
        {
            throw new SpdyProtocolException("connection closed inside a frame");
        }

        return true;
    }
}
