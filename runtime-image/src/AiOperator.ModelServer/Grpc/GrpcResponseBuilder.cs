using System.Buffers.Binary;
using System.Runtime.InteropServices;
using AiOperator.ModelServer.Grpc.Protocol;
using AiOperator.ModelServer.Protocol;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Grpc;

/// <summary>Builds a ModelInferResponse: raw_output_contents when the request sent raw inputs, typed contents otherwise.</summary>
internal static class GrpcResponseBuilder
{
    public static ModelInferResponse Build(string model, string version, string? id, IReadOnlyList<InferenceTensor> outputs, bool raw)
    {
        var response = new ModelInferResponse { ModelName = model, ModelVersion = version, Id = id ?? "" };
        foreach (var t in outputs)
        {
            var output = new ModelInferResponse.Types.InferOutputTensor { Name = t.Name, Datatype = OipDatatype.Name(t.ElementType) };
            output.Shape.AddRange(t.Shape);
            // FP16 and BF16 have no typed form: they go raw whatever the request used.
            if (raw || t.ElementType is TensorElementType.Float16 or TensorElementType.BFloat16)
            {
                response.RawOutputContents.Add(Raw(t));
            }
            else
            {
                output.Contents = Typed(t);
            }

            response.Outputs.Add(output);
        }

        // The protocol pairs raw_output_contents with outputs by position: all or none.
        if (response.RawOutputContents.Count > 0 && response.RawOutputContents.Count < response.Outputs.Count)
        {
            response.RawOutputContents.Clear();
            for (var i = 0; i < outputs.Count; i++)
            {
                response.Outputs[i].Contents = null;
                response.RawOutputContents.Add(Raw(outputs[i]));
            }
        }

        return response;
    }

    private static ByteString Raw(InferenceTensor t)
    {
        if (t.Strings is not { } strings)
        {
            return ByteString.CopyFrom(t.Bytes);
        }

        var buffer = new byte[strings.Sum(s => 4L + s.Length)];
        var pos = 0;
        foreach (var s in strings)
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(pos), s.Length);
            s.CopyTo(buffer.AsSpan(pos + 4));
            pos += 4 + s.Length;
        }

        return UnsafeByteOperations.UnsafeWrap(buffer);
    }

    private static InferTensorContents Typed(InferenceTensor t)
    {
        var c = new InferTensorContents();
        var b = t.Bytes;
        switch (t.ElementType)
        {
            case TensorElementType.String:
                c.BytesContents.AddRange(t.Strings!.Select(ByteString.CopyFrom));
                break;
            case TensorElementType.Bool:
                foreach (var x in b)
                {
                    c.BoolContents.Add(x != 0);
                }

                break;
            case TensorElementType.Int8:
                foreach (var x in MemoryMarshal.Cast<byte, sbyte>(b))
                {
                    c.IntContents.Add(x);
                }

                break;
            case TensorElementType.Int16:
                c.IntContents.AddRange(MemoryMarshal.Cast<byte, short>(b).ToArray().Select(x => (int)x));
                break;
            case TensorElementType.Int32:
                c.IntContents.AddRange(MemoryMarshal.Cast<byte, int>(b).ToArray());
                break;
            case TensorElementType.Int64:
                c.Int64Contents.AddRange(MemoryMarshal.Cast<byte, long>(b).ToArray());
                break;
            case TensorElementType.UInt8:
                c.UintContents.AddRange(b.ToArray().Select(x => (uint)x));
                break;
            case TensorElementType.UInt16:
                c.UintContents.AddRange(MemoryMarshal.Cast<byte, ushort>(b).ToArray().Select(x => (uint)x));
                break;
            case TensorElementType.UInt32:
                c.UintContents.AddRange(MemoryMarshal.Cast<byte, uint>(b).ToArray());
                break;
            case TensorElementType.UInt64:
                c.Uint64Contents.AddRange(MemoryMarshal.Cast<byte, ulong>(b).ToArray());
                break;
            case TensorElementType.Float:
                c.Fp32Contents.AddRange(MemoryMarshal.Cast<byte, float>(b).ToArray());
                break;
            case TensorElementType.Double:
                c.Fp64Contents.AddRange(MemoryMarshal.Cast<byte, double>(b).ToArray());
                break;
        }

        return c;
    }
}
