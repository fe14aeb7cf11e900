using System.Buffers.Binary;
using System.Text;

namespace AiOperator.Trainer.Distributed;

/// <summary>Payload layouts of the frames (little-endian numbers, UTF-8 text).</summary>
internal static class Messages
{
    public const int ProtocolVersion = 1;
    private const int MaxFingerprintBytes = 1024;

    public static byte[] Hello(int rank, int ranks, string fingerprint)
    {
        var text = Encoding.UTF8.GetBytes(fingerprint);
        var payload = new byte[12 + text.Length];
        BinaryPrimitives.WriteInt32LittleEndian(payload, ProtocolVersion);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(4), rank);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(8), ranks);
        text.CopyTo(payload, 12);
        return payload;
    }

    public static (int Protocol, int Rank, int Ranks, string Fingerprint) ReadHello(byte[] payload)
    {
        if (payload.Length < 12 || payload.Length > 12 + MaxFingerprintBytes)
        {
            throw new InvalidDataException($"hello of {payload.Length} bytes is malformed");
        }

        return (BinaryPrimitives.ReadInt32LittleEndian(payload),
            BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4)),
            BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(8)),
            Encoding.UTF8.GetString(payload, 12, payload.Length - 12));
    }

    public static byte[] Vector(long step, ReadOnlySpan<double> values)
    {
        var payload = new byte[8 + (8 * values.Length)];
        BinaryPrimitives.WriteInt64LittleEndian(payload, step);
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(payload.AsSpan(8 + (8 * i)), values[i]);
        }

        return payload;
    }

    public static (long Step, double[] Values) ReadVector(byte[] payload, int expectedLength)
    {
        if (payload.Length != 8 + (8 * expectedLength))
        {
            throw new InvalidDataException($"vector of {payload.Length} bytes, expected {8 + (8 * expectedLength)}");
        }

        var values = new double[expectedLength];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(payload.AsSpan(8 + (8 * i)));
        }

        return (BinaryPrimitives.ReadInt64LittleEndian(payload), values);
    }
}
