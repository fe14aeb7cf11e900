using System.Buffers.Binary;
using static AiOperator.LocalCluster.ApiServer.Protobuf.ProtoWriter;

namespace AiOperator.LocalCluster.Simulation.Models;

/// <summary>
/// The bad upgrade for the local cluster (the demo, the end-to-end tests, the rollback benchmark): an ONNX
/// model that loads, has the served model's input and output names, and fails every inference (a Gather
/// whose index lies one past the input's width), so a canary serving it answers every request with an error.
/// Written with a few lines of protobuf encoding so no project needs an ONNX or protobuf package for it.
/// </summary>
public static class FailingModel
{
    /// <summary>FLOAT [batch, <paramref name="width"/>] named <paramref name="input"/> → FLOAT [batch, 1] named <paramref name="output"/>.</summary>
    public static byte[] Build(string input, string output, long width)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        ArgumentException.ThrowIfNullOrEmpty(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var raw = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(raw, width);
        var index = Message(Varint(1, 1), Varint(2, 7), Text(8, "index"), Bytes(9, raw));      // TensorProto INT64 [1] = {width}
        var gather = Message(Text(1, input), Text(1, "index"), Text(2, output), Text(3, "gather"), Text(4, "Gather"),
            Bytes(5, Message(Text(1, "axis"), Varint(3, 1), Varint(20, 2))));                  // attribute axis: INT 1
        var graph = Message(Bytes(1, gather), Text(2, "failing"), Bytes(5, index), Bytes(11, Value(input, width)), Bytes(12, Value(output, 1)));
        return Message(Varint(1, 8), Text(2, "aiop-failing-model"), Bytes(7, graph), Bytes(8, Message(Text(1, ""), Varint(2, 17))));
    }

    /// <summary>Writes the model as <paramref name="path"/>, creating its folder.</summary>
    public static void Save(string path, string input, string output, long width)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllBytes(path, Build(input, output, width));
    }

    // ValueInfoProto of FLOAT [batch, width].
    private static byte[] Value(string name, long width)
    {
        var shape = Message(Bytes(1, Message(Text(2, "batch"))), Bytes(1, Message(Varint(1, width))));
        return Message(Text(1, name), Bytes(2, Message(Bytes(1, Message(Varint(1, 1), Bytes(2, shape))))));
    }
}
