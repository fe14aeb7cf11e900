using System.Buffers.Binary;
using System.Text;

namespace AiOperator.LocalCluster.ApiServer.Storage.Durability;

// Framing of the log and snapshot files: [u32 length][u32 CRC-32 of the payload][payload], payload =
// resourceVersion, store key, namespace, name (length-prefixed UTF-8) and the object's JSON (length -1
// for a removal). A record whose length runs past the end or whose checksum fails is a torn write:
// reading stops there, and everything before it is intact.
internal static class LogRecordCodec
{
    // etcd's object limit is 1.5 MiB; ours accepts 3 MiB bodies. Anything larger is not a record.
    public const int MaxPayload = 64 * 1024 * 1024;

    public static byte[] Encode(LogRecord record)
    {
        var key = Encoding.UTF8.GetBytes(record.Ref.StoreKey);
        var ns = Encoding.UTF8.GetBytes(record.Ref.Namespace);
        var name = Encoding.UTF8.GetBytes(record.Ref.Name);
        var json = record.Json;
        var payloadLength = 8 + 4 + key.Length + 4 + ns.Length + 4 + name.Length + 4 + (json?.Length ?? 0);
        var bytes = new byte[8 + payloadLength];
        var span = bytes.AsSpan(8);
        BinaryPrimitives.WriteInt64BigEndian(span, record.ResourceVersion);
        var at = 8;
        foreach (var part in new[] { key, ns, name })
        {
            BinaryPrimitives.WriteInt32BigEndian(span[at..], part.Length);
            part.CopyTo(span[(at + 4)..]);
            at += 4 + part.Length;
        }

        BinaryPrimitives.WriteInt32BigEndian(span[at..], json?.Length ?? -1);
        json?.CopyTo(span[(at + 4)..]);
        BinaryPrimitives.WriteInt32BigEndian(bytes, payloadLength);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), Crc32.Compute(span));
        return bytes;
    }

    // Reads records until the end or the first damaged one; ValidLength is where the intact prefix ends.
    public static (List<LogRecord> Records, long ValidLength) ReadAll(Stream stream)
    {
        var records = new List<LogRecord>();
        var header = new byte[8];
        long valid = 0;
        while (true)
        {
            if (stream.ReadAtLeast(header, 8, throwOnEndOfStream: false) < 8)
            {
                return (records, valid);
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(header);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
            if (length is < 24 or > MaxPayload || stream.Length - stream.Position < length)
            {
                return (records, valid);
            }

            var payload = new byte[length];
            stream.ReadExactly(payload);
            if (Crc32.Compute(payload) != crc || Decode(payload) is not { } record)
            {
                return (records, valid);
            }

            records.Add(record);
            valid = stream.Position;
        }
    }

    private static LogRecord? Decode(ReadOnlySpan<byte> payload)
    {
        var rv = BinaryPrimitives.ReadInt64BigEndian(payload);
        var at = 8;
        var parts = new string[3];
        for (var i = 0; i < 3; i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(payload[at..]);
            if (length < 0 || at + 4 + length > payload.Length - 4)
            {
                return null;
            }

            parts[i] = Encoding.UTF8.GetString(payload.Slice(at + 4, length));
            at += 4 + length;
        }

        var jsonLength = BinaryPrimitives.ReadInt32BigEndian(payload[at..]);
        if (jsonLength < -1 || at + 4 + Math.Max(0, jsonLength) != payload.Length)
        {
            return null;
        }

        var json = jsonLength < 0 ? null : payload.Slice(at + 4, jsonLength).ToArray();
        return new LogRecord(rv, new ObjectRef(parts[0], parts[1], parts[2]), json);
    }
}
