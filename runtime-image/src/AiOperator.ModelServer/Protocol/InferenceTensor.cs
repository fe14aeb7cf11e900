using System.Buffers;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Protocol;

/// <summary>
/// One named tensor as the server moves it: numeric data packed little-endian in a (possibly pooled)
/// byte buffer, BYTES data as one byte array per element.
/// </summary>
internal sealed class InferenceTensor : IDisposable
{
    private byte[]? _pooled;

    private InferenceTensor(string name, TensorElementType type, long[] shape, byte[] data, int byteLength, byte[][]? strings, bool pooled)
    {
        Name = name;
        ElementType = type;
        Shape = shape;
        Data = data;
        ByteLength = byteLength;
        Strings = strings;
        _pooled = pooled ? data : null;
    }

    public string Name { get; }
    public TensorElementType ElementType { get; }
    public long[] Shape { get; }
    public byte[] Data { get; }
    public int ByteLength { get; }
    public byte[][]? Strings { get; }

    public ReadOnlySpan<byte> Bytes => Data.AsSpan(0, ByteLength);

    public long ElementCount => Count(Shape);

    /// <summary>A numeric tensor over a buffer rented from the shared pool, returned on dispose.</summary>
    public static InferenceTensor RentNumeric(string name, TensorElementType type, long[] shape, int byteLength) =>
        new(name, type, shape, ArrayPool<byte>.Shared.Rent(Math.Max(1, byteLength)), byteLength, null, pooled: true);

    public static InferenceTensor Numeric(string name, TensorElementType type, long[] shape, byte[] data) =>
        new(name, type, shape, data, data.Length, null, pooled: false);

    public static InferenceTensor Text(string name, long[] shape, byte[][] elements) =>
        new(name, TensorElementType.String, shape, [], 0, elements, pooled: false);

    public static long Count(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        return n;
    }

    public void Dispose()
    {
        var pooled = Interlocked.Exchange(ref _pooled, null);
        if (pooled is not null)
        {
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }
}
