using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;

namespace AiOperator.LocalCluster.ApiServer.PortForward;

// Decodes the header blocks of one SPDY/3 connection: a single zlib stream over all of them, with the
// SPDY dictionary preset. System.IO.Compression has no preset dictionaries, so the dictionary is fed
// to a raw inflater first as a stored (uncompressed) deflate block: it lands in the window exactly
// where a preset dictionary would, and its decompressed copy is skipped.
internal sealed class SpdyHeaderReader : IAsyncDisposable
{
    private const int MaxPairs = 256;
    private const int MaxLength = 64 * 1024;
    private readonly Pipe _compressed = new();
    private DeflateStream? _inflater;

    public async Task<IReadOnlyDictionary<string, string>> ReadAsync(ReadOnlyMemory<byte> block, CancellationToken ct)
    {
        if (_inflater is null)
        {
            block = await StartAsync(block, ct);
        }

        await _compressed.Writer.WriteAsync(block, ct);
        var count = await ReadInt32Async(ct);
        if (count is < 0 or > MaxPairs)
        {
            throw new SpdyProtocolException($"header block has {count} pairs (at most {MaxPairs})");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < count; i++)
        {
            var name = Encoding.UTF8.GetString(await ReadChunkAsync(ct));
            var value = Encoding.UTF8.GetString(await ReadChunkAsync(ct));
            // Several values of one name are NUL-separated; the port-forward headers have one each.
            headers[name] = value.Split('\0')[0];
        }

        return headers;
    }

    public async ValueTask DisposeAsync()
    {
        await _compressed.Writer.CompleteAsync();
        if (_inflater is not null)
        {
            await _inflater.DisposeAsync();
        }
    }

    private async Task<ReadOnlyMemory<byte>> StartAsync(ReadOnlyMemory<byte> block, CancellationToken ct)
    {
        if (block.Length < 2)
        {
            throw new SpdyProtocolException("the first header block is too short for a zlib header");
        }

        var cmf = block.Span[0];
        var flg = block.Span[1];
        if ((cmf & 0x0F) != 8 || ((cmf << 8) | flg) % 31 != 0)
        {
            throw new SpdyProtocolException("the header block does not start with a zlib header");
        }

        var withDictionary = (flg & 0x20) != 0;
        _inflater = new DeflateStream(_compressed.Reader.AsStream(), CompressionMode.Decompress);
        if (!withDictionary)
        {
            return block[2..];
        }

        if (block.Length < 6 || BinaryPrimitives.ReadUInt32BigEndian(block.Span[2..6]) != SpdyDictionary.Adler32)
        {
            throw new SpdyProtocolException("the header block's zlib dictionary is not SPDY/3's");
        }

        var dictionary = SpdyDictionary.Bytes;
        var stored = new byte[5 + dictionary.Length];
        stored[0] = 0; // BFINAL=0, BTYPE=00 (stored), padded to the byte boundary
        BinaryPrimitives.WriteUInt16LittleEndian(stored.AsSpan(1), (ushort)dictionary.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(stored.AsSpan(3), (ushort)~dictionary.Length);
        dictionary.CopyTo(stored, 5);
        await _compressed.Writer.WriteAsync(stored, ct);
        await ReadExactlyAsync(new byte[dictionary.Length], ct);
        return block[6..];
    }

    private async Task<byte[]> ReadChunkAsync(CancellationToken ct)
    {
        var length = await ReadInt32Async(ct);
        if (length is < 0 or > MaxLength)
        {
            throw new SpdyProtocolException($"header name or value of {length} bytes (at most {MaxLength})");
        }

        var bytes = new byte[length];
        await ReadExactlyAsync(bytes, ct);
        return bytes;
    }

    private async Task<int> ReadInt32Async(CancellationToken ct)
    {
        var bytes = new byte[4];
        await ReadExactlyAsync(bytes, ct);
        return BinaryPrimitives.ReadInt32BigEndian(bytes);
    }

    private Task ReadExactlyAsync(byte[] buffer, CancellationToken ct) => _inflater!.ReadExactlyAsync(buffer, ct).AsTask();
}
