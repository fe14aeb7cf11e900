using AiOperator.ModelServer.Tests.Support;

namespace AiOperator.Benchmarks.ModelServer;

/// <summary>The models the model-server benchmark serves: generated MLPs and the packaged ResNet18.</summary>
internal static class BenchmarkModels
{
    private const int Float = 1;

    /// <summary>A small MLP (64 -> 256 -> 16): per-request overhead dominates, so it shows the server's own cost.</summary>
    public static string SmallMlp(string dir) => Mlp(dir, "mlp_small", [64, 256, 16]);

    /// <summary>The 256 -> 512 -> 10 MLP of the low-concurrency latency comparison.</summary>
    public static string Mlp256(string dir) => Mlp(dir, "mlp_256", [256, 512, 10]);

    /// <summary>A wider MLP (512 -> 2048 -> 2048 -> 512): weight-bound at batch 1, where batching pays.</summary>
    public static string WideMlp(string dir) => Mlp(dir, "mlp_wide", [512, 2048, 2048, 512]);

    public static string ResNet18()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "models", "ResNet18.onnx");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException("ResNet18.onnx was not copied next to the benchmark; build the project so the Microsoft.ML.DnnImageFeaturizer.ResNet18 package is restored", path);
    }

    private static string Mlp(string dir, string name, int[] widths)
    {
        var path = Path.Combine(dir, name + ".onnx");
        if (File.Exists(path))
        {
            return path;
        }

        var b = new OnnxGraphBuilder(name).Input("x", Float, -1, widths[0]).Output("y", Float, -1, widths[^1]);
        var current = "x";
        var random = new Random(1);
        for (var layer = 0; layer < widths.Length - 1; layer++)
        {
            var (rows, cols) = (widths[layer], widths[layer + 1]);
            b.Initializer($"w{layer}", Float, [rows, cols], Floats(rows * cols, random));
            b.Initializer($"b{layer}", Float, [cols], Floats(cols, random));
            var last = layer == widths.Length - 2;
            b.Node("MatMul", [current, $"w{layer}"], [$"m{layer}"]);
            b.Node("Add", [$"m{layer}", $"b{layer}"], [last ? "y" : $"a{layer}"]);
            if (!last)
            {
                b.Node("Relu", [$"a{layer}"], [$"r{layer}"]);
                current = $"r{layer}";
            }
        }

        Directory.CreateDirectory(dir);
        File.WriteAllBytes(path, b.Build());
        return path;
    }

    private static byte[] Floats(int count, Random random)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = (float)(random.NextDouble() * 2 - 1) / 16;
        }

        var bytes = new byte[count * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
