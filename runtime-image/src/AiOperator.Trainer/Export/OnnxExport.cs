using System.Buffers.Binary;
using System.Reflection;
using AiOperator.Trainer.Network;

namespace AiOperator.Trainer.Export;

/// <summary>
/// The trained network as an ONNX model (IR 8, opset 17): input "input" FLOAT [batch, 2] ->
/// Gemm(W1, b1) -> Relu -> Gemm(W2, b2) -> Softmax(axis 1) -> output "probabilities" FLOAT [batch, 2].
/// The batch dimension is symbolic, which lets the model server batch requests. Weights are stored
/// as float32 (what serving uses); training keeps doubles. Field numbers are those of onnx.proto.
/// </summary>
internal static class OnnxExport
{
    public const string InputName = "input";
    public const string OutputName = "probabilities";
    private const int FloatType = 1;
    private const long IrVersion = 8;
    private const long Opset = 17;

    public static byte[] Build(ReadOnlySpan<double> parameters, long step)
    {
        if (parameters.Length != Mlp.ParameterCount)
        {
            throw new ArgumentException($"expected {Mlp.ParameterCount} parameters, got {parameters.Length}", nameof(parameters));
        }

        var graph = new ProtoMessage()
            .Message(1, Node("Gemm", ["input", "W1", "b1"], ["hidden_linear"]))
            .Message(1, Node("Relu", ["hidden_linear"], ["hidden"]))
            .Message(1, Node("Gemm", ["hidden", "W2", "b2"], ["logits"]))
            .Message(1, Node("Softmax", ["logits"], [OutputName], ("axis", 1)))
            .String(2, "aiop_trainer_mlp")
            .Message(5, Initializer("W1", [Mlp.Inputs, Mlp.Hidden], parameters[Mlp.W1..Mlp.B1]))
            .Message(5, Initializer("b1", [Mlp.Hidden], parameters[Mlp.B1..Mlp.W2]))
            .Message(5, Initializer("W2", [Mlp.Hidden, Mlp.Classes], parameters[Mlp.W2..Mlp.B2]))
            .Message(5, Initializer("b2", [Mlp.Classes], parameters[Mlp.B2..]))
            .String(10, "Two-Gaussian-clouds classifier: class probabilities for 2 input features.")
            .Message(11, TensorValue(InputName, Mlp.Inputs))
            .Message(12, TensorValue(OutputName, Mlp.Classes));

        var version = typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        return new ProtoMessage()
            .Int64(1, IrVersion)
            .String(2, "aiop-trainer")
            .String(3, version.Split('+')[0])
            .Int64(5, step)                       // model_version: the optimizer step the weights come from
            .Message(7, graph)
            .Message(8, new ProtoMessage().String(1, "").Int64(2, Opset))
            .ToArray();
    }

    private static ProtoMessage Node(string opType, string[] inputs, string[] outputs, params (string Name, long Value)[] attributes)
    {
        var node = new ProtoMessage();
        foreach (var input in inputs)
        {
            node.String(1, input);
        }

        foreach (var output in outputs)
        {
            node.String(2, output);
        }

        node.String(3, outputs[0] + "_node").String(4, opType);
        foreach (var (name, value) in attributes)
        {
            node.Message(5, new ProtoMessage().String(1, name).Int64(3, value).Int32(20, 2)); // type INT
        }

        return node;
    }

    private static ProtoMessage Initializer(string name, long[] dims, ReadOnlySpan<double> values)
    {
        var raw = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), (float)values[i]);
        }

        var tensor = new ProtoMessage();
        foreach (var dim in dims)
        {
            tensor.Int64(1, dim);
        }

        return tensor.Int32(2, FloatType).String(8, name).Bytes(9, raw);
    }

    // [batch, width] with a symbolic first dimension.
    private static ProtoMessage TensorValue(string name, long width)
    {
        var shape = new ProtoMessage()
            .Message(1, new ProtoMessage().String(2, "batch"))
            .Message(1, new ProtoMessage().Int64(1, width));
        var tensorType = new ProtoMessage().Int32(1, FloatType).Message(2, shape);
        return new ProtoMessage().String(1, name).Message(2, new ProtoMessage().Message(1, tensorType));
    }
}
