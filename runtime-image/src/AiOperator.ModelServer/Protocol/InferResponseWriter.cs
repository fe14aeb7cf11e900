using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Protocol;

/// <summary>
/// Writes an OIP v2 infer response: the JSON header, then the binary section for outputs the client
/// asked to receive in binary. <see cref="JsonLength"/> is what goes in Inference-Header-Content-Length.
/// </summary>
internal static class InferResponseWriter
{
    // Not written to: a cached writer points here between responses so it holds no response's buffer.
    private static readonly ArrayBufferWriter<byte> Detached = new(1);

    // One JSON writer per thread, reset onto each response's buffer: writing is synchronous, so it never
    // crosses threads, and a request no longer pays for a new writer.
    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    /// <summary>Writes outputs[i] as the client asked in requested[i]; returns the JSON header's length.</summary>
    public static int Write(IBufferWriter<byte> destination, string modelName, string modelVersion, string? id,
        IReadOnlyList<InferenceTensor> outputs, IReadOnlyList<RequestedOutput> requested, out bool hasBinary)
    {
        var json = t_json ??= new Utf8JsonWriter(Detached);
        json.Reset(destination);
        int jsonLength;
        try
        {
            json.WriteStartObject();
            json.WriteString("model_name", modelName);
            json.WriteString("model_version", modelVersion);
            if (id is not null)
            {
                json.WriteString("id", id);
            }

            json.WriteStartArray("outputs");
            for (var i = 0; i < outputs.Count; i++)
            {
                var (tensor, binary) = (outputs[i], requested[i].Binary);
                json.WriteStartObject();
                json.WriteString("name", tensor.Name);
                json.WriteString("datatype", OipDatatype.Name(tensor.ElementType));
                json.WriteStartArray("shape");
                foreach (var d in tensor.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                if (binary)
                {
                    json.WriteStartObject("parameters");
                    json.WriteNumber("binary_data_size", BinarySize(tensor));
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteStartArray("data");
                    WriteData(json, tensor);
                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            jsonLength = (int)json.BytesCommitted;
        }
        finally
        {
            // On an exception the writer may be mid-document; Reset clears that state too.
            json.Reset(Detached);
        }

        hasBinary = false;
        for (var i = 0; i < outputs.Count; i++)
        {
            var (tensor, binary) = (outputs[i], requested[i].Binary);
            if (!binary)
            {
                continue;
            }

            hasBinary = true;
            if (tensor.Strings is { } strings)
            {
                foreach (var s in strings)
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(destination.GetSpan(4), (uint)s.Length);
                    destination.Advance(4);
                    destination.Write(s);
                }
            }
            else
            {
                destination.Write(tensor.Bytes);
            }
        }

        return jsonLength;
    }

    public static long BinarySize(InferenceTensor tensor) =>
        tensor.Strings is { } strings ? strings.Sum(s => 4L + s.Length) : tensor.ByteLength;

    private static void WriteData(Utf8JsonWriter json, InferenceTensor tensor)
    {
        if (tensor.Strings is { } strings)
        {
            foreach (var s in strings)
            {
                json.WriteStringValue(Encoding.UTF8.GetString(s));
            }

            return;
        }

        var span = tensor.Bytes;
        switch (tensor.ElementType)
        {
            case TensorElementType.Bool:
                foreach (var b in span)
                {
                    json.WriteBooleanValue(b != 0);
                }

                break;
            case TensorElementType.UInt8:
                foreach (var b in span)
                {
                    json.WriteNumberValue(b);
                }

                break;
            case TensorElementType.Int8:
                foreach (var b in span)
                {
                    json.WriteNumberValue((sbyte)b);
                }

                break;
            case TensorElementType.UInt16:
                for (var i = 0; i < span.Length; i += 2)
                {
                    json.WriteNumberValue(BinaryPrimitives.ReadUInt16LittleEndian(span[i..]));
                }

                break;
            case TensorElementType.Int16:
                for (var i = 0; i < span.Length; i += 2)
                {
                    json.WriteNumberValue(BinaryPrimitives.ReadInt16LittleEndian(span[i..]));
                }

                break;
            case TensorElementType.UInt32:
                for (var i = 0; i < span.Length; i += 4)
                {
                    json.WriteNumberValue(BinaryPrimitives.ReadUInt32LittleEndian(span[i..]));
                }

                break;
            case TensorElementType.Int32:
                for (var i = 0; i < span.Length; i += 4)
                {
                    json.WriteNumberValue(BinaryPrimitives.ReadInt32LittleEndian(span[i..]));
                }

                break;
            case TensorElementType.UInt64:
                for (var i = 0; i < span.Length; i += 8)
                {
                    json.WriteNumberValue(BinaryPrimitives.ReadUInt64LittleEndian(span[i..]));
                }

                break;
            case TensorElementType.Int64:
                for (var i = 0; i < span.Length; i += 8)
                {
                    json.WriteNumberValue(BinaryPrimitives.ReadInt64LittleEndian(span[i..]));
                }

                break;
            case TensorElementType.Float16:
                for (var i = 0; i < span.Length; i += 2)
                {
                    WriteFloat(json, (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(span[i..])));
                }

                break;
            case TensorElementType.BFloat16:
                for (var i = 0; i < span.Length; i += 2)
                {
                    WriteFloat(json, BFloat16Bits.ToSingle(BinaryPrimitives.ReadUInt16LittleEndian(span[i..])));
                }

                break;
            case TensorElementType.Float:
                for (var i = 0; i < span.Length; i += 4)
                {
                    WriteFloat(json, BinaryPrimitives.ReadSingleLittleEndian(span[i..]));
                }

                break;
            case TensorElementType.Double:
                for (var i = 0; i < span.Length; i += 8)
                {
                    var d = BinaryPrimitives.ReadDoubleLittleEndian(span[i..]);
                    if (double.IsFinite(d))
                    {
                        json.WriteNumberValue(d);
                    }
                    else
                    {
                        json.WriteStringValue(NonFinite(d));
                    }
                }

                break;
            default:
                throw new InvalidOperationException($"output '{tensor.Name}' has unsupported type {tensor.ElementType}");
        }
    }

    private static void WriteFloat(Utf8JsonWriter json, float f)
    {
        if (float.IsFinite(f))
        {
            json.WriteNumberValue(f);
        }
        else
        {
            json.WriteStringValue(NonFinite(f));
        }
    }

    private static string NonFinite(double d) => double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
}
