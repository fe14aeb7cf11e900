using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AiOperator.LocalCluster.ApiServer.PortForward;

// Encodes this side's header blocks: one zlib stream per connection, sync-flushed after each block so
// the peer can decode it alone. No preset dictionary is declared (FDICT unset), which zlib readers
// given a dictionary accept.
internal sealed class SpdyHeaderWriter : IDisposable
{
    private readonly MemoryStream _buffer = new();
    private readonly ZLibStream _deflater;

    public SpdyHeaderWriter() => _deflater = new ZLibStream(_buffer, CompressionLevel.Fastest, leaveOpen: true);

    public byte[] Write(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var plain = new MemoryStream();
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, headers.Count);
        plain.Write(number);
        foreach (var (name, value) in headers)
        {
            foreach (var text in new[] { name.ToLowerInvariant(), value })
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteInt32BigEndian(number, bytes.Length);
                plain.Write(number);
                plain.Write(bytes);
            }
        }

        _buffer.SetLength(0);
        _deflater.Write(plain.GetBuffer(), 0, (int)plain.Length);
        _deflater.Flush();
        return _buffer.ToArray();
    }

    public void Dispose()
    {
        _deflater.Dispose();
        _buffer.Dispose();
    }
}
