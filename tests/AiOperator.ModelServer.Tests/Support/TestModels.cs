namespace AiOperator.ModelServer.Tests.Support;

/// <summary>The ONNX models the tests serve, built on the fly into a temporary folder.</summary>
internal static class TestModels
{
    public static readonly (string Oip, int Onnx)[] AllTypes =
    [
        ("BOOL", OnnxType.Bool), ("UINT8", OnnxType.UInt8), ("UINT16", OnnxType.UInt16), ("UINT32", OnnxType.UInt32),
        ("UINT64", OnnxType.UInt64), ("INT8", OnnxType.Int8), ("INT16", OnnxType.Int16), ("INT32", OnnxType.Int32),
        ("INT64", OnnxType.Int64), ("FP16", OnnxType.Float16), ("BF16", OnnxType.BFloat16), ("FP32", OnnxType.Float),
        ("FP64", OnnxType.Double), ("BYTES", OnnxType.String),
    ];

    private static readonly Lazy<string> Folder = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "aiop-ms-tests-" + Environment.ProcessId);
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    });

    public static string Directory => Folder.Value;

    /// <summary>x [batch, 3] of the type in, Identity to y: every datatype round-trips through a real session.</summary>
    public static string Identity(string oip, int onnx) =>
        SaveOnce($"identity_{oip.ToLowerInvariant()}", n => new OnnxGraphBuilder(n)
            .Input("x", onnx, -1, 3).Output("y", onnx, -1, 3)
            .Node("Identity", ["x"], ["y"]));

    /// <summary>Two FP32 inputs and an INT64 one; four outputs of three types.</summary>
    public static string MultiIo() => SaveOnce("multi_io", n => new OnnxGraphBuilder(n)
        .Input("a", OnnxType.Float, -1, 4).Input("b", OnnxType.Float, -1, 4).Input("c", OnnxType.Int64, -1, 2)
        .Output("sum", OnnxType.Float, -1, 4).Output("product", OnnxType.Float, -1, 4)
        .Output("c_twice", OnnxType.Int64, -1, 2).Output("a_double", OnnxType.Double, -1, 4)
        .Node("Add", ["a", "b"], ["sum"])
        .Node("Mul", ["a", "b"], ["product"])
        .Node("Add", ["c", "c"], ["c_twice"])
        .Node("Cast", ["a"], ["a_double"], ("to", OnnxType.Double)));

    /// <summary>A fixed-shape model [2, 4]: no batching possible.</summary>
    public static string Fixed() => SaveOnce("fixed", n => new OnnxGraphBuilder(n)
        .Input("x", OnnxType.Float, 2, 4).Output("y", OnnxType.Float, 2, 4)
        .Node("Relu", ["x"], ["y"]));

    /// <summary>Reshapes x [batch, 3] to a fixed [rows, cols]: ONNX Runtime fails inside the run unless 3 * batch = rows * cols.</summary>
    public static string ReshapeTo(long rows, long cols) => SaveOnce($"reshape_{rows}x{cols}", n => new OnnxGraphBuilder(n)
        .Input("x", OnnxType.Float, -1, 3).Output("y", OnnxType.Float, rows, cols)
        .Initializer("shape", OnnxType.Int64, [2], [.. BitConverter.GetBytes(rows), .. BitConverter.GetBytes(cols)])
        .Node("Reshape", ["x", "shape"], ["y"]));

    /// <summary>A two-layer perceptron with a dynamic batch dimension and fixed pseudo-random weights.</summary>
    public static string Mlp(int inputs = 64, int hidden = 256, int outputs = 16) =>
        SaveOnce($"mlp_{inputs}_{hidden}_{outputs}", n => new OnnxGraphBuilder(n)
            .Input("x", OnnxType.Float, -1, inputs).Output("y", OnnxType.Float, -1, outputs)
            .Initializer("w1", OnnxType.Float, [inputs, hidden], Floats(inputs * hidden, 1))
            .Initializer("b1", OnnxType.Float, [hidden], Floats(hidden, 2))
            .Initializer("w2", OnnxType.Float, [hidden, outputs], Floats(hidden * outputs, 3))
            .Initializer("b2", OnnxType.Float, [outputs], Floats(outputs, 4))
            .Node("MatMul", ["x", "w1"], ["h1"])
            .Node("Add", ["h1", "b1"], ["h2"])
            .Node("Relu", ["h2"], ["h3"])
            .Node("MatMul", ["h3", "w2"], ["h4"])
            .Node("Add", ["h4", "b2"], ["y"]));

    /// <summary>BYTES s and FP32 v, both [-1, -1] (every dimension variable), echoed back.</summary>
    public static string VariableSize() => SaveOnce("variable_size", n => new OnnxGraphBuilder(n)
        .Input("s", OnnxType.String, -1, -1).Input("v", OnnxType.Float, -1, -1)
        .Output("s_out", OnnxType.String, -1, -1).Output("v_out", OnnxType.Float, -1, -1)
        .Node("Identity", ["s"], ["s_out"])
        .Node("Identity", ["v"], ["v_out"]));

    /// <summary>12 / x and 12 % x on INT32 x [batch, 3]: fine for real inputs, division by zero for the warm-up's zeros.</summary>
    public static string DivideByInput() => SaveOnce("divide_by_input", n => new OnnxGraphBuilder(n)
        .Input("x", OnnxType.Int32, -1, 3).Output("quotient", OnnxType.Int32, -1, 3).Output("remainder", OnnxType.Int32, -1, 3)
        .Initializer("twelve", OnnxType.Int32, [1], BitConverter.GetBytes(12))
        .Node("Div", ["twelve", "x"], ["quotient"])
        .Node("Mod", ["twelve", "x"], ["remainder"]));

    /// <summary>Parses BYTES s [batch, 2] as numbers (Cast to FP32): the warm-up's empty strings are not numbers.</summary>
    public static string ParseNumbers() => SaveOnce("parse_numbers", n => new OnnxGraphBuilder(n)
        .Input("s", OnnxType.String, -1, 2).Output("y", OnnxType.Float, -1, 2)
        .Node("Cast", ["s"], ["y"], ("to", OnnxType.Float)));

    public static byte[] Floats(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1) / 8;
        }

        var bytes = new byte[count * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static string SaveOnce(string name, Func<string, OnnxGraphBuilder> build)
    {
        var path = Path.Combine(Directory, name + ".onnx");
        lock (Folder)
        {
            if (!File.Exists(path))
            {
                var tmp = path + ".tmp";
                File.WriteAllBytes(tmp, build(name).Build());
                File.Move(tmp, path, overwrite: true);
            }
        }

        return path;
    }
}
