using Google.Protobuf;

namespace AiOperator.ModelServer.Tests.Support;

/// <summary>
/// Writes ONNX ModelProto bytes by hand with Google.Protobuf's CodedOutputStream; field numbers are
/// those of the public onnx.proto. Enough of the format to build small test graphs.
/// </summary>
internal sealed class OnnxGraphBuilder(string name)
{
    private readonly List<byte[]> _nodes = [];
    private readonly List<byte[]> _inputs = [];
    private readonly List<byte[]> _outputs = [];
    private readonly List<byte[]> _initializers = [];

    /// <summary>Dims: a negative number is a dynamic dimension, named "batch" for the first and d{i} otherwise.</summary>
    public OnnxGraphBuilder Input(string tensor, int elemType, params long[] dims)
    {
        _inputs.Add(ValueInfo(tensor, elemType, dims));
        return this;
    }

    public OnnxGraphBuilder Output(string tensor, int elemType, params long[] dims)
    {
        _outputs.Add(ValueInfo(tensor, elemType, dims));
        return this;
    }

    public OnnxGraphBuilder Initializer(string tensor, int elemType, long[] dims, byte[] raw)
    {
        _initializers.Add(Message(w =>
        {
            foreach (var d in dims)
            {
                w.WriteTag(1, WireFormat.WireType.Varint);
                w.WriteInt64(d);
            }

            w.WriteTag(2, WireFormat.WireType.Varint);
            w.WriteInt32(elemType);
            WriteString(w, 8, tensor);
            w.WriteTag(9, WireFormat.WireType.LengthDelimited);
            w.WriteBytes(ByteString.CopyFrom(raw));
        }));
        return this;
    }

    public OnnxGraphBuilder Node(string opType, string[] inputs, string[] outputs, params (string Name, long Value)[] intAttributes)
    {
        _nodes.Add(Message(w =>
        {
            foreach (var i in inputs)
            {
                WriteString(w, 1, i);
            }

            foreach (var o in outputs)
            {
                WriteString(w, 2, o);
            }

            WriteString(w, 3, $"{opType}_{_nodes.Count}");
            WriteString(w, 4, opType);
            foreach (var (attrName, value) in intAttributes)
            {
                WriteMessage(w, 5, Message(a =>
                {
                    WriteString(a, 1, attrName);
                    a.WriteTag(3, WireFormat.WireType.Varint);
                    a.WriteInt64(value);
                    a.WriteTag(20, WireFormat.WireType.Varint);
                    a.WriteInt32(2); // AttributeType INT
                }));
            }
        }));
        return this;
    }

    public byte[] Build(long opset = 17, long irVersion = 8)
    {
        var graph = Message(w =>
        {
            foreach (var n in _nodes)
            {
                WriteMessage(w, 1, n);
            }

            WriteString(w, 2, name);
            foreach (var i in _initializers)
            {
                WriteMessage(w, 5, i);
            }

            foreach (var i in _inputs)
            {
                WriteMessage(w, 11, i);
            }

            foreach (var o in _outputs)
            {
                WriteMessage(w, 12, o);
            }
        });

        return Message(w =>
        {
            w.WriteTag(1, WireFormat.WireType.Varint);
            w.WriteInt64(irVersion);
            WriteString(w, 2, "aiop-tests");
            WriteMessage(w, 7, graph);
            WriteMessage(w, 8, Message(o =>
            {
                WriteString(o, 1, "");
                o.WriteTag(2, WireFormat.WireType.Varint);
                o.WriteInt64(opset);
            }));
        });
    }

    public string Save(string directory)
    {
        var path = Path.Combine(directory, name + ".onnx");
        File.WriteAllBytes(path, Build());
        return path;
    }

    private static byte[] ValueInfo(string tensor, int elemType, long[] dims) => Message(w =>
    {
        WriteString(w, 1, tensor);
        WriteMessage(w, 2, Message(type =>                       // TypeProto
            WriteMessage(type, 1, Message(t =>                   // TypeProto.Tensor
            {
                t.WriteTag(1, WireFormat.WireType.Varint);
                t.WriteInt32(elemType);
                WriteMessage(t, 2, Message(shape =>              // TensorShapeProto
                {
                    for (var i = 0; i < dims.Length; i++)
                    {
                        var index = i;
                        WriteMessage(shape, 1, Message(dim =>
                        {
                            if (dims[index] >= 0)
                            {
                                dim.WriteTag(1, WireFormat.WireType.Varint);
                                dim.WriteInt64(dims[index]);
                            }
                            else
                            {
                                WriteString(dim, 2, index == 0 ? "batch" : $"d{index}");
                            }
                        }));
                    }
                }));
            }))));
    });

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var ms = new MemoryStream();
        using (var w = new CodedOutputStream(ms, leaveOpen: true))
        {
            write(w);
        }

        return ms.ToArray();
    }

    private static void WriteMessage(CodedOutputStream w, int field, byte[] message)
    {
        w.WriteTag(field, WireFormat.WireType.LengthDelimited);
        w.WriteBytes(ByteString.CopyFrom(message));
    }

    private static void WriteString(CodedOutputStream w, int field, string value)
    {
        w.WriteTag(field, WireFormat.WireType.LengthDelimited);
        w.WriteString(value);
    }
}
