using System.Globalization;
using System.Text;
using AiOperator.ModelServer.Model;
using AiOperator.ModelServer.Protocol;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace AiOperator.ModelServer.Tests.Protocol;

// Numeric data arrays are read from the bytes (NumericDataArrays); anything else, such as a "NaN" string
// among the numbers, sends the array through JsonDocument. Both must give the same tensor and errors.
public sealed class InferRequestParserTests
{
    public static readonly TheoryData<string> Datatypes = new() { "FP32", "FP64", "FP16", "BF16", "INT64", "INT32", "UINT8" };

    [Theory]
    [MemberData(nameof(Datatypes))]
    public void Numbers_read_from_the_bytes_equal_those_read_through_json_document(string datatype)
    {
        Assert.True(OipDatatype.TryParse(datatype, out var type));
        var random = new Random(3);
        var numbers = Enumerable.Range(0, 1000).Select(_ => Number(type, random)).ToList();
        var fast = Body(datatype, [1000], "[" + string.Join(",", numbers) + "]");
        // The string makes the array one NumericDataArrays leaves alone; an integer type then refuses it.
        var general = Body(datatype, [1001], "[" + string.Join(",", numbers) + ",\"NaN\"]");

        using var expected = IsFloat(type) ? InferRequestParser.Parse(general, null, Signature(type, 1001), "m") : null;
        using var actual = InferRequestParser.Parse(fast, null, Signature(type, 1000), "m");

        var size = OipDatatype.ElementSize(type);
        Assert.Equal(1000 * size, actual.Inputs[0].ByteLength);
        if (expected is not null)
        {
            Assert.Equal(expected.Inputs[0].Bytes[..(1000 * size)].ToArray(), actual.Inputs[0].Bytes.ToArray());
        }
        else
        {
            var error = Assert.Throws<InferenceException>(() => InferRequestParser.Parse(general, null, Signature(type, 1001), "m"));
            Assert.Equal($"input 'x': element 1000 is not a valid {datatype} value", error.Message);
        }
    }

    [Theory]
    [InlineData("FP32", "[1, 2, 1e39]", "input 'x': element 2 is not a valid FP32 value")]
    [InlineData("FP64", "[1, 1e400, 3]", "input 'x': element 1 is not a valid FP64 value")]
    [InlineData("FP16", "[[1], [70000], [3]]", "input 'x': element 1 is not a valid FP16 value")]
    [InlineData("INT32", "[1, 2.5, 3]", "input 'x': element 1 is not a valid INT32 value")]
    [InlineData("UINT8", "[[1], [256], [3]]", "input 'x': element 1 is not a valid UINT8 value")]
    [InlineData("BOOL", "[1, 0, 1]", "input 'x': element 0 is not a valid BOOL value")]
    [InlineData("BYTES", "[1, 2, 3]", "input 'x': BYTES element 0 must be a string")]
    [InlineData("FP32", "[1, 2]", "input 'x': shape [3] needs 3 elements, but 'data' has 2")]
    [InlineData("FP32", "[[1, 2], [3, 4]]", "input 'x': shape [3] needs 3 elements, but 'data' has 4")]
    public void Errors_name_the_same_element_as_the_json_document_path(string datatype, string data, string message)
    {
        Assert.True(OipDatatype.TryParse(datatype, out var type));
        var fast = Assert.Throws<InferenceException>(() => InferRequestParser.Parse(Body(datatype, [3], data), null, Signature(type, 3), "m"));
        // Wrapped in a second, non-numeric input position the same array still goes the fast way; the
        // reference is System.Text.Json's walk, forced by a repeated "data" key that NumericDataArrays refuses.
        var general = Assert.Throws<InferenceException>(() => InferRequestParser.Parse(
            Encoding.UTF8.GetBytes($$"""{"inputs":[{"name":"x","shape":[3],"datatype":"{{datatype}}","data":["unused"],"data":{{data}}}]}"""),
            null, Signature(type, 3), "m"));
        Assert.Equal(message, fast.Message);
        Assert.Equal(message, general.Message);
    }

    [Fact]
    public void Several_inputs_each_get_their_own_array_whatever_the_key_order()
    {
        var signature = new ModelSignature(
            [new TensorSpec("a", TensorElementType.Float, [2]), new TensorSpec("b", TensorElementType.Int64, [3]), new TensorSpec("s", TensorElementType.String, [1])],
            [new TensorSpec("y", TensorElementType.Float, [1])]);
        var body = """{"inputs":[{"data":[0.5,-1],"name":"a","datatype":"FP32","shape":[2]},{"name":"s","shape":[1],"datatype":"BYTES","data":["hi"]},{"name":"b","shape":[3],"datatype":"INT64","data":[[1],[2],[-9223372036854775808]]}],"outputs":[{"name":"y"}]}"""u8.ToArray();

        using var request = InferRequestParser.Parse(body, null, signature, "m");

        Assert.Equal([0.5f, -1f], Floats(request.Inputs[0].Bytes));
        Assert.Equal("s", request.Inputs[1].Name);
        Assert.Equal([1L, 2L, long.MinValue], System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(request.Inputs[2].Bytes).ToArray());
        Assert.Equal("y", request.Outputs.Single().Name);
    }

    private static bool IsFloat(TensorElementType type) =>
        type is TensorElementType.Float or TensorElementType.Double or TensorElementType.Float16 or TensorElementType.BFloat16;

    private static string Number(TensorElementType type, Random random) => type switch
    {
        TensorElementType.Float or TensorElementType.BFloat16 => ((float)(random.NextDouble() * 200 - 100)).ToString("R", CultureInfo.InvariantCulture),
        TensorElementType.Int64 => random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        TensorElementType.Int32 => random.Next(int.MinValue, int.MaxValue).ToString(CultureInfo.InvariantCulture),
        TensorElementType.UInt8 => random.Next(0, 256).ToString(CultureInfo.InvariantCulture),
        TensorElementType.Float16 => (random.NextDouble() * 131_000 - 65_500).ToString(random.Next(2) == 0 ? "R" : "E10", CultureInfo.InvariantCulture),
        _ => (random.NextDouble() * 2e6 - 1e6).ToString(random.Next(2) == 0 ? "R" : "E10", CultureInfo.InvariantCulture),
    };

    private static byte[] Body(string datatype, long[] shape, string data) =>
        Encoding.UTF8.GetBytes($$"""{"inputs":[{"name":"x","shape":[{{string.Join(",", shape)}}],"datatype":"{{datatype}}","data":{{data}}}]}""");

    private static ModelSignature Signature(TensorElementType type, long count) =>
        new([new TensorSpec("x", type, [count])], [new TensorSpec("y", TensorElementType.Float, [1])]);

    private static float[] Floats(ReadOnlySpan<byte> bytes) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}
