using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace AiOperator.ModelServer.Tests.Support;

/// <summary>A tensor as the tests hold it: OIP datatype, shape, and either raw little-endian bytes or strings.</summary>
internal sealed record TestTensor(string Name, string Datatype, long[] Shape, byte[] Raw, string[]? Strings = null)
{
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);

    public static TestTensor Random(string name, string datatype, long[] shape, int seed)
    {
        var random = new Random(seed);
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        if (datatype == "BYTES")
        {
            var strings = Enumerable.Range(0, count).Select(i => $"s{random.Next(1000)}-é{i}").ToArray();
            return new TestTensor(name, datatype, shape, [], strings);
        }

        var size = Size(datatype);
        var raw = new byte[count * size];
        for (var i = 0; i < count; i++)
        {
            var span = raw.AsSpan(i * size, size);
            switch (datatype)
            {
                case "BOOL": span[0] = (byte)random.Next(2); break;
                case "FP16": BinaryPrimitives.WriteHalfLittleEndian(span, (Half)(float)(random.NextDouble() * 200 - 100)); break;
                case "BF16": BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(BitConverter.SingleToUInt32Bits((float)(random.NextDouble() * 200 - 100)) >> 16)); break;
                case "FP32": BinaryPrimitives.WriteSingleLittleEndian(span, (float)(random.NextDouble() * 2e6 - 1e6)); break;
                case "FP64": BinaryPrimitives.WriteDoubleLittleEndian(span, random.NextDouble() * 2e12 - 1e12); break;
                default: random.NextBytes(span); break;
            }
        }

        return new TestTensor(name, datatype, shape, raw);
    }

    public static int Size(string datatype) => datatype switch
    {
        "BOOL" or "UINT8" or "INT8" => 1,
        "UINT16" or "INT16" or "FP16" or "BF16" => 2,
        "UINT32" or "INT32" or "FP32" => 4,
        _ => 8,
    };

    /// <summary>The binary-extension form: raw bytes, or 4-byte length-prefixed UTF-8 for BYTES.</summary>
    public byte[] Binary()
    {
        if (Strings is null)
        {
            return Raw;
        }

        var ms = new MemoryStream();
        foreach (var s in Strings)
        {
            var b = Encoding.UTF8.GetBytes(s);
            var len = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(len, b.Length);
            ms.Write(len);
            ms.Write(b);
        }

        return ms.ToArray();
    }

    public JsonArray JsonData()
    {
        var array = new JsonArray();
        if (Strings is not null)
        {
            foreach (var s in Strings)
            {
                array.Add(s);
            }

            return array;
        }

        var size = Size(Datatype);
        for (var i = 0; i < Raw.Length; i += size)
        {
            var span = Raw.AsSpan(i, size);
            array.Add(Datatype switch
            {
                "BOOL" => JsonValue.Create(span[0] != 0),
                "UINT8" => JsonValue.Create(span[0]),
                "INT8" => JsonValue.Create((sbyte)span[0]),
                "UINT16" => JsonValue.Create(BinaryPrimitives.ReadUInt16LittleEndian(span)),
                "INT16" => JsonValue.Create(BinaryPrimitives.ReadInt16LittleEndian(span)),
                "UINT32" => JsonValue.Create(BinaryPrimitives.ReadUInt32LittleEndian(span)),
                "INT32" => JsonValue.Create(BinaryPrimitives.ReadInt32LittleEndian(span)),
                "UINT64" => JsonValue.Create(BinaryPrimitives.ReadUInt64LittleEndian(span)),
                "INT64" => JsonValue.Create(BinaryPrimitives.ReadInt64LittleEndian(span)),
                "FP16" => JsonValue.Create((float)BinaryPrimitives.ReadHalfLittleEndian(span)),
                "BF16" => JsonValue.Create(BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(span) << 16)),
                "FP32" => JsonValue.Create(BinaryPrimitives.ReadSingleLittleEndian(span)),
                "FP64" => JsonValue.Create(BinaryPrimitives.ReadDoubleLittleEndian(span)),
                _ => throw new ArgumentOutOfRangeException(Datatype),
            });
        }

        return array;
    }

    /// <summary>Reads JSON output data back into raw bytes (or strings) so it can be compared bit for bit.</summary>
    public static TestTensor FromJson(string name, string datatype, long[] shape, JsonArray data)
    {
        if (datatype == "BYTES")
        {
            return new TestTensor(name, datatype, shape, [], data.Select(d => d!.GetValue<string>()).ToArray());
        }

        var size = Size(datatype);
        var raw = new byte[data.Count * size];
        for (var i = 0; i < data.Count; i++)
        {
            var span = raw.AsSpan(i * size, size);
            var v = data[i]!;
            switch (datatype)
            {
                case "BOOL": span[0] = v.GetValue<bool>() ? (byte)1 : (byte)0; break;
                case "UINT8": span[0] = v.GetValue<byte>(); break;
                case "INT8": span[0] = (byte)v.GetValue<sbyte>(); break;
                case "UINT16": BinaryPrimitives.WriteUInt16LittleEndian(span, v.GetValue<ushort>()); break;
                case "INT16": BinaryPrimitives.WriteInt16LittleEndian(span, v.GetValue<short>()); break;
                case "UINT32": BinaryPrimitives.WriteUInt32LittleEndian(span, v.GetValue<uint>()); break;
                case "INT32": BinaryPrimitives.WriteInt32LittleEndian(span, v.GetValue<int>()); break;
                case "UINT64": BinaryPrimitives.WriteUInt64LittleEndian(span, v.GetValue<ulong>()); break;
                case "INT64": BinaryPrimitives.WriteInt64LittleEndian(span, v.GetValue<long>()); break;
                case "FP16": BinaryPrimitives.WriteHalfLittleEndian(span, (Half)v.GetValue<float>()); break;
                case "BF16": BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)(BitConverter.SingleToUInt32Bits(v.GetValue<float>()) >> 16)); break;
                case "FP32": BinaryPrimitives.WriteSingleLittleEndian(span, v.GetValue<float>()); break;
                case "FP64": BinaryPrimitives.WriteDoubleLittleEndian(span, v.GetValue<double>()); break;
            }
        }

        return new TestTensor(name, datatype, shape, raw);
    }

    public static TestTensor FromBinary(string name, string datatype, long[] shape, ReadOnlySpan<byte> bytes)
    {
        if (datatype != "BYTES")
        {
            return new TestTensor(name, datatype, shape, bytes.ToArray());
        }

        var strings = new List<string>();
        var pos = 0;
        while (pos < bytes.Length)
        {
            var len = BinaryPrimitives.ReadInt32LittleEndian(bytes[pos..]);
            strings.Add(Encoding.UTF8.GetString(bytes.Slice(pos + 4, len)));
            pos += 4 + len;
        }

        return new TestTensor(name, datatype, shape, [], strings.ToArray());
    }

    public void AssertEqual(TestTensor actual)
    {
        Xunit.Assert.Equal(Name, actual.Name);
        Xunit.Assert.Equal(Datatype, actual.Datatype);
        Xunit.Assert.Equal(Shape, actual.Shape);
        if (Strings is not null)
        {
            Xunit.Assert.Equal(Strings, actual.Strings);
        }
        else
        {
            Xunit.Assert.Equal(Convert.ToHexString(Raw), Convert.ToHexString(actual.Raw));
        }
    }
}
