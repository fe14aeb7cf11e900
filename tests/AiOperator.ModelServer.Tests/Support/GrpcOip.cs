using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using AiOperator.ModelServer.Grpc.Protocol;
using Google.Protobuf;
using Grpc.Net.Client;

namespace AiOperator.ModelServer.Tests.Support;

/// <summary>Builds gRPC OIP requests from test tensors (raw or typed contents) and reads responses back into them.</summary>
internal static class GrpcOip
{
    public static GrpcChannel Channel(int port) => GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
    {
        MaxReceiveMessageSize = null,
        MaxSendMessageSize = null,
    });

    public static ModelInferRequest Request(string model, IReadOnlyList<TestTensor> inputs, bool raw, string? id = null, string[]? outputs = null)
    {
        var request = new ModelInferRequest { ModelName = model, Id = id ?? "" };
        foreach (var t in inputs)
        {
            var input = new ModelInferRequest.Types.InferInputTensor { Name = t.Name, Datatype = t.Datatype };
            input.Shape.AddRange(t.Shape);
            if (raw)
            {
                request.RawInputContents.Add(ByteString.CopyFrom(t.Binary()));
            }
            else
            {
                input.Contents = Typed(t);
            }

            request.Inputs.Add(input);
        }

        foreach (var o in outputs ?? [])
        {
            request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = o });
        }

        return request;
    }

    public static InferTensorContents Typed(TestTensor t)
    {
        var c = new InferTensorContents();
        var b = t.Raw.AsSpan();
        switch (t.Datatype)
        {
            case "BYTES": c.BytesContents.AddRange(t.Strings!.Select(s => ByteString.CopyFromUtf8(s))); break;
            case "BOOL": c.BoolContents.AddRange(t.Raw.Select(x => x != 0)); break;
            case "INT8": c.IntContents.AddRange(t.Raw.Select(x => (int)(sbyte)x)); break;
            case "INT16": c.IntContents.AddRange(MemoryMarshal.Cast<byte, short>(b).ToArray().Select(x => (int)x)); break;
            case "INT32": c.IntContents.AddRange(MemoryMarshal.Cast<byte, int>(b).ToArray()); break;
            case "INT64": c.Int64Contents.AddRange(MemoryMarshal.Cast<byte, long>(b).ToArray()); break;
            case "UINT8": c.UintContents.AddRange(t.Raw.Select(x => (uint)x)); break;
            case "UINT16": c.UintContents.AddRange(MemoryMarshal.Cast<byte, ushort>(b).ToArray().Select(x => (uint)x)); break;
            case "UINT32": c.UintContents.AddRange(MemoryMarshal.Cast<byte, uint>(b).ToArray()); break;
            case "UINT64": c.Uint64Contents.AddRange(MemoryMarshal.Cast<byte, ulong>(b).ToArray()); break;
            case "FP32": c.Fp32Contents.AddRange(MemoryMarshal.Cast<byte, float>(b).ToArray()); break;
            case "FP64": c.Fp64Contents.AddRange(MemoryMarshal.Cast<byte, double>(b).ToArray()); break;
            default: throw new ArgumentException($"{t.Datatype} has no typed contents");
        }

        return c;
    }

    public static List<TestTensor> Outputs(ModelInferResponse response)
    {
        var result = new List<TestTensor>();
        for (var i = 0; i < response.Outputs.Count; i++)
        {
            var o = response.Outputs[i];
            var shape = o.Shape.ToArray();
            result.Add(response.RawOutputContents.Count > 0
                ? TestTensor.FromBinary(o.Name, o.Datatype, shape, response.RawOutputContents[i].Span)
                : FromTyped(o.Name, o.Datatype, shape, o.Contents));
        }

        return result;
    }

    private static TestTensor FromTyped(string name, string datatype, long[] shape, InferTensorContents c)
    {
        if (datatype == "BYTES")
        {
            return new TestTensor(name, datatype, shape, [], c.BytesContents.Select(b => Encoding.UTF8.GetString(b.Span)).ToArray());
        }

        var size = TestTensor.Size(datatype);
        var count = (int)shape.Aggregate(1L, (a, b) => a * b);
        var raw = new byte[count * size];
        for (var i = 0; i < count; i++)
        {
            var span = raw.AsSpan(i * size, size);
            switch (datatype)
            {
                case "BOOL": span[0] = c.BoolContents[i] ? (byte)1 : (byte)0; break;
                case "INT8": span[0] = (byte)(sbyte)c.IntContents[i]; break;
                case "INT16": BinaryPrimitives.WriteInt16LittleEndian(span, (short)c.IntContents[i]); break;
                case "INT32": BinaryPrimitives.WriteInt32LittleEndian(span, c.IntContents[i]); break;
                case "INT64": BinaryPrimitives.WriteInt64LittleEndian(span, c.Int64Contents[i]); break;
                case "UINT8": span[0] = (byte)c.UintContents[i]; break;
                case "UINT16": BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)c.UintContents[i]); break;
                case "UINT32": BinaryPrimitives.WriteUInt32LittleEndian(span, c.UintContents[i]); break;
                case "UINT64": BinaryPrimitives.WriteUInt64LittleEndian(span, c.Uint64Contents[i]); break;
                case "FP32": BinaryPrimitives.WriteSingleLittleEndian(span, c.Fp32Contents[i]); break;
                case "FP64": BinaryPrimitives.WriteDoubleLittleEndian(span, c.Fp64Contents[i]); break;
                default: throw new ArgumentException($"{datatype} has no typed contents");
            }
        }

        return new TestTensor(name, datatype, shape, raw);
    }
}
