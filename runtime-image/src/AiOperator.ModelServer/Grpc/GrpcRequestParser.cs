using System.Buffers.Binary;
using System.Runtime.InteropServices;
using AiOperator.ModelServer.Grpc.Protocol;
using AiOperator.ModelServer.Model;
using AiOperator.ModelServer.Protocol;
using Google.Protobuf.Collections;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Grpc;

/// <summary>
/// Turns a gRPC ModelInferRequest into the same validated request the REST parser produces, with the
/// same checks and messages (400s become INVALID_ARGUMENT). Every count is checked against the data
/// actually present in the message before anything is allocated for it.
/// </summary>
internal static class GrpcRequestParser
{
    /// <summary>The request and whether its data came as raw contents (the response then answers in kind).</summary>
    public static (InferRequest Request, bool Raw) Parse(ModelInferRequest message, ModelSignature signature, string modelName)
    {
        var raw = message.RawInputContents.Count > 0;
        if (raw && message.RawInputContents.Count != message.Inputs.Count)
        {
            throw InferenceException.BadRequest(
                $"raw_input_contents has {message.RawInputContents.Count} entries, but the request has {message.Inputs.Count} inputs: give one per input or none");
        }

        if (message.Parameters.ContainsKey("shared_memory_region"))
        {
            throw InferenceException.BadRequest("shared memory is not supported");
        }

        var inputs = new List<InferenceTensor>(message.Inputs.Count);
        try
        {
            for (var k = 0; k < message.Inputs.Count; k++)
            {
                var input = message.Inputs[k];
                var name = input.Name;
                var spec = signature.FindInput(name)
                    ?? throw InferenceException.BadRequest($"unexpected inference input '{InferRequestParser.Shown(name)}' for model '{modelName}'");
                if (inputs.Any(r => r.Name == name))
                {
                    throw InferenceException.BadRequest($"input '{name}' appears more than once");
                }

                if (!OipDatatype.TryParse(input.Datatype, out var type))
                {
                    throw InferenceException.BadRequest($"input '{name}': unknown datatype '{InferRequestParser.Shown(input.Datatype)}'");
                }

                if (type != spec.ElementType)
                {
                    throw InferenceException.BadRequest(
                        $"input '{name}' data-type is '{input.Datatype}', but model '{modelName}' expects '{OipDatatype.Name(spec.ElementType)}'");
                }

                if (input.Parameters.ContainsKey("shared_memory_region"))
                {
                    throw InferenceException.BadRequest($"input '{name}': shared memory is not supported");
                }

                var shape = Shape(input.Shape, name, spec);
                var count = InferRequestParser.ElementCount(shape, name);
                if (raw)
                {
                    if (input.Contents is not null)
                    {
                        throw InferenceException.BadRequest($"input '{name}' has both contents and raw_input_contents");
                    }

                    inputs.Add(InferRequestParser.FromBinary(name, type, shape, count, message.RawInputContents[k].Span, "the size of its raw_input_contents"));
                }
                else
                {
                    inputs.Add(FromContents(name, type, shape, count, input.Contents
                        ?? throw InferenceException.BadRequest($"input '{name}' has neither contents nor raw_input_contents")));
                }
            }

            foreach (var spec in signature.Inputs)
            {
                if (inputs.All(r => r.Name != spec.Name))
                {
                    throw InferenceException.BadRequest($"expected input '{spec.Name}' for model '{modelName}' is missing");
                }
            }

            var id = string.IsNullOrEmpty(message.Id) ? null : message.Id;
            return (new InferRequest(id, inputs, Outputs(message.Outputs, signature, modelName, raw)), raw);
        }
        catch
        {
            foreach (var t in inputs)
            {
                t.Dispose();
            }

            throw;
        }
    }

    private static long[] Shape(RepeatedField<long> dims, string name, TensorSpec spec)
    {
        if (dims.Count != spec.Dims.Length)
        {
            throw InferenceException.BadRequest(
                $"input '{name}': shape has {dims.Count} dimensions, but the model expects {spec.Dims.Length} {InferRequestParser.FormatDims(spec.Dims)}");
        }

        var shape = new long[dims.Count];
        for (var i = 0; i < dims.Count; i++)
        {
            var dim = dims[i];
            if (dim < 0)
            {
                throw InferenceException.BadRequest($"input '{name}': shape[{i}] must be a non-negative integer");
            }

            if (spec.Dims[i] >= 0 && spec.Dims[i] != dim)
            {
                throw InferenceException.BadRequest(
                    $"input '{name}': shape[{i}] is {dim}, but the model expects {spec.Dims[i]} {InferRequestParser.FormatDims(spec.Dims)}");
            }

            shape[i] = dim;
        }

        return shape;
    }

    private static InferenceTensor FromContents(string name, TensorElementType type, long[] shape, long count, InferTensorContents c)
    {
        var (field, found) = type switch
        {
            TensorElementType.Bool => ("bool_contents", c.BoolContents.Count),
            TensorElementType.Int8 or TensorElementType.Int16 or TensorElementType.Int32 => ("int_contents", c.IntContents.Count),
            TensorElementType.Int64 => ("int64_contents", c.Int64Contents.Count),
            TensorElementType.UInt8 or TensorElementType.UInt16 or TensorElementType.UInt32 => ("uint_contents", c.UintContents.Count),
            TensorElementType.UInt64 => ("uint64_contents", c.Uint64Contents.Count),
            TensorElementType.Float => ("fp32_contents", c.Fp32Contents.Count),
            TensorElementType.Double => ("fp64_contents", c.Fp64Contents.Count),
            TensorElementType.String => ("bytes_contents", c.BytesContents.Count),
            _ => throw InferenceException.BadRequest($"input '{name}': {OipDatatype.Name(type)} has no typed contents; send it in raw_input_contents"),
        };
        if (found != count)
        {
            throw InferenceException.BadRequest(
                $"input '{name}': shape {InferRequestParser.FormatDims(shape)} needs {count} elements, but contents.{field} has {found}");
        }

        if (type == TensorElementType.String)
        {
            return InferenceTensor.Text(name, shape, c.BytesContents.Select(b => b.ToByteArray()).ToArray());
        }

        var size = OipDatatype.ElementSize(type);
        var tensor = InferenceTensor.RentNumeric(name, type, shape, checked((int)(count * size)));
        try
        {
            var dst = tensor.Data.AsSpan(0, tensor.ByteLength);
            switch (type)
            {
                case TensorElementType.Bool:
                    for (var i = 0; i < found; i++)
                    {
                        dst[i] = c.BoolContents[i] ? (byte)1 : (byte)0;
                    }

                    break;
                case TensorElementType.Int8:
                    for (var i = 0; i < found; i++)
                    {
                        dst[i] = (byte)(sbyte)Checked(c.IntContents[i], i, name, "INT8", sbyte.MinValue, sbyte.MaxValue);
                    }

                    break;
                case TensorElementType.Int16:
                    for (var i = 0; i < found; i++)
                    {
                        BinaryPrimitives.WriteInt16LittleEndian(dst[(i * 2)..], (short)Checked(c.IntContents[i], i, name, "INT16", short.MinValue, short.MaxValue));
                    }

                    break;
                case TensorElementType.UInt8:
                    for (var i = 0; i < found; i++)
                    {
                        dst[i] = (byte)Checked(c.UintContents[i], i, name, "UINT8", 0, byte.MaxValue);
                    }

                    break;
                case TensorElementType.UInt16:
                    for (var i = 0; i < found; i++)
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(dst[(i * 2)..], (ushort)Checked(c.UintContents[i], i, name, "UINT16", 0, ushort.MaxValue));
                    }

                    break;
                // The remaining types are stored exactly as the repeated field holds them (little-endian hosts).
                case TensorElementType.Int32:
                    Copy(c.IntContents, dst);
                    break;
                case TensorElementType.UInt32:
                    Copy(c.UintContents, dst);
                    break;
                case TensorElementType.Int64:
                    Copy(c.Int64Contents, dst);
                    break;
                case TensorElementType.UInt64:
                    Copy(c.Uint64Contents, dst);
                    break;
                case TensorElementType.Float:
                    Copy(c.Fp32Contents, dst);
                    break;
                case TensorElementType.Double:
                    Copy(c.Fp64Contents, dst);
                    break;
            }

            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static long Checked(long v, int index, string name, string datatype, long min, long max) =>
        v >= min && v <= max ? v : throw InferenceException.BadRequest($"input '{name}': element {index} is not a valid {datatype} value");

    private static void Copy<T>(RepeatedField<T> values, Span<byte> dst)
        where T : unmanaged
    {
        for (var i = 0; i < values.Count; i++)
        {
            MemoryMarshal.Write(dst[(i * System.Runtime.CompilerServices.Unsafe.SizeOf<T>())..], values[i]);
        }
    }

    private static List<RequestedOutput> Outputs(RepeatedField<ModelInferRequest.Types.InferRequestedOutputTensor> requested, ModelSignature signature, string modelName, bool raw)
    {
        if (requested.Count == 0)
        {
            return signature.Outputs.Select(o => new RequestedOutput(o.Name, raw)).ToList();
        }

        var result = new List<RequestedOutput>(requested.Count);
        foreach (var output in requested)
        {
            var name = output.Name;
            if (signature.FindOutput(name) is null)
            {
                throw InferenceException.BadRequest($"unexpected inference output '{InferRequestParser.Shown(name)}' for model '{modelName}'");
            }

            if (result.Any(r => r.Name == name))
            {
                throw InferenceException.BadRequest($"output '{name}' is requested more than once");
            }

            if (output.Parameters.ContainsKey("classification"))
            {
                throw InferenceException.BadRequest($"outputs['{name}'].parameters.classification: the classification extension is not supported");
            }

            if (output.Parameters.ContainsKey("shared_memory_region"))
            {
                throw InferenceException.BadRequest($"output '{name}': shared memory is not supported");
            }

            result.Add(new RequestedOutput(name, raw));
        }

        return result;
    }
}
