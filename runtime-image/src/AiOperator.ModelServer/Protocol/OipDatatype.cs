using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Protocol;

/// <summary>The OIP datatype names and the ONNX element types they stand for.</summary>
internal static class OipDatatype
{
    private static readonly Dictionary<string, TensorElementType> ByName = new(StringComparer.Ordinal)
    {
        ["BOOL"] = TensorElementType.Bool,
        ["UINT8"] = TensorElementType.UInt8,
        ["UINT16"] = TensorElementType.UInt16,
        ["UINT32"] = TensorElementType.UInt32,
        ["UINT64"] = TensorElementType.UInt64,
        ["INT8"] = TensorElementType.Int8,
        ["INT16"] = TensorElementType.Int16,
        ["INT32"] = TensorElementType.Int32,
        ["INT64"] = TensorElementType.Int64,
        ["FP16"] = TensorElementType.Float16,
        ["BF16"] = TensorElementType.BFloat16,
        ["FP32"] = TensorElementType.Float,
        ["FP64"] = TensorElementType.Double,
        ["BYTES"] = TensorElementType.String,
    };

    public static bool TryParse(string name, out TensorElementType type) => ByName.TryGetValue(name, out type);

    public static bool IsSupported(TensorElementType type) => ByName.ContainsValue(type);

    public static string Name(TensorElementType type) => type switch
    {
        TensorElementType.Bool => "BOOL",
        TensorElementType.UInt8 => "UINT8",
        TensorElementType.UInt16 => "UINT16",
        TensorElementType.UInt32 => "UINT32",
        TensorElementType.UInt64 => "UINT64",
        TensorElementType.Int8 => "INT8",
        TensorElementType.Int16 => "INT16",
        TensorElementType.Int32 => "INT32",
        TensorElementType.Int64 => "INT64",
        TensorElementType.Float16 => "FP16",
        TensorElementType.BFloat16 => "BF16",
        TensorElementType.Float => "FP32",
        TensorElementType.Double => "FP64",
        TensorElementType.String => "BYTES",
        _ => type.ToString().ToUpperInvariant(),
    };

    /// <summary>Bytes per element in the binary extension; 0 for BYTES, whose elements carry their own length.</summary>
    public static int ElementSize(TensorElementType type) => type switch
    {
        TensorElementType.Bool or TensorElementType.UInt8 or TensorElementType.Int8 => 1,
        TensorElementType.UInt16 or TensorElementType.Int16 or TensorElementType.Float16 or TensorElementType.BFloat16 => 2,
        TensorElementType.UInt32 or TensorElementType.Int32 or TensorElementType.Float => 4,
        TensorElementType.UInt64 or TensorElementType.Int64 or TensorElementType.Double => 8,
        TensorElementType.String => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an OIP datatype"),
    };
}
