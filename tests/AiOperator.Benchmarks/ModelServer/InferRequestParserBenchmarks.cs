using System.Globalization;
using System.Text;
using AiOperator.ModelServer.Model;
using AiOperator.ModelServer.Protocol;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.Benchmarks.ModelServer;

/// <summary>
/// Cost of turning one ResNet-sized request (1x3x224x224 FP32) into tensors: JSON data versus the binary
/// tensor extension. Run: dotnet run -c Release --project tests/AiOperator.Benchmarks -- --filter *InferRequestParser*
/// </summary>
[MemoryDiagnoser]
public class InferRequestParserBenchmarks
{
    private static readonly ModelSignature Signature = new(
        [new TensorSpec("x", TensorElementType.Float, [-1, 3, 224, 224])],
        [new TensorSpec("y", TensorElementType.Float, [-1, 512])]);

    private byte[] _json = [];
    private byte[] _binary = [];
    private int _binaryHeader;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        var values = Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)random.NextDouble()).ToArray();
        _json = Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"x","shape":[1,3,224,224],"datatype":"FP32","data":[""" +
            string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]}]}");
        var header = Encoding.UTF8.GetBytes(
            """{"inputs":[{"name":"x","shape":[1,3,224,224],"datatype":"FP32","parameters":{"binary_data_size":602112}}]}""");
        var data = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, data, 0, data.Length);
        _binary = [.. header, .. data];
        _binaryHeader = header.Length;
    }

    [Benchmark(Baseline = true)]
    public long Binary()
    {
        using var request = InferRequestParser.Parse(_binary, _binaryHeader, Signature, "m");
        return request.Inputs[0].ByteLength;
    }

    [Benchmark]
    public long Json()
    {
        using var request = InferRequestParser.Parse(_json, null, Signature, "m");
        return request.Inputs[0].ByteLength;
    }

    // The floor for the JSON path: tokenising the document alone, before any value is converted.
    [Benchmark]
    public int JsonDocumentOnly()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(_json);
        return doc.RootElement.GetProperty("inputs").GetArrayLength();
    }
}
