using System.Text;
using System.Text.Json;
using AiOperator.ModelServer.Protocol;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace AiOperator.ModelServer.Tests.Protocol;

public sealed class JsonNumberArrayTests
{
    [Theory]
    [InlineData("[]", 0)]
    [InlineData("[ ]", 0)]
    [InlineData("[1]", 1)]
    [InlineData("[1,2.5,-3e-2]", 3)]
    [InlineData(" [ 1 ,\t2 ,\r\n3 ] ", 3)]
    [InlineData("[[1,2],[3,4]]", 4)]
    [InlineData("[[],[[]],[1]]", 1)]
    [InlineData("[[[[0]]]]", 1)]
    public void Arrays_of_numbers_are_measured(string json, long count)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var start = json.IndexOf('[', StringComparison.Ordinal);
        Assert.True(JsonNumberArray.TryMeasure(bytes, start, 8, out var end, out var found));
        Assert.Equal(count, found);
        Assert.Equal(json.LastIndexOf(']') + 1, end);
        using var _ = JsonDocument.Parse(bytes);   // the grammar agrees
    }

    [Theory]
    [InlineData("[1,]")]
    [InlineData("[,1]")]
    [InlineData("[1 2]")]
    [InlineData("[01]")]
    [InlineData("[1.]")]
    [InlineData("[.5]")]
    [InlineData("[+1]")]
    [InlineData("[1e]")]
    [InlineData("[1e+]")]
    [InlineData("[-]")]
    [InlineData("[0x10]")]
    [InlineData("[1")]
    [InlineData("[[1]")]
    [InlineData("[1]]")]
    [InlineData("[\"NaN\"]")]
    [InlineData("[true]")]
    [InlineData("[null]")]
    [InlineData("[{}]")]
    [InlineData("[1,\u00a02]")]
    [InlineData("[[[[[[[[[1]]]]]]]]]")]
    public void Anything_else_is_left_to_system_text_json(string json)
    {
        Assert.False(JsonNumberArray.TryMeasure(Encoding.UTF8.GetBytes(json), 0, 8, out _, out _) && IsWholeArray(json));
    }

    [Fact]
    public void Writes_each_number_as_the_type_and_names_the_first_invalid_one()
    {
        var floats = new byte[12];
        Assert.Equal(-1, JsonNumberArray.Write("[[1.5, -2],[3e1]]"u8, TensorElementType.Float, 4, floats));
        Assert.Equal([1.5f, -2f, 30f], [BitConverter.ToSingle(floats, 0), BitConverter.ToSingle(floats, 4), BitConverter.ToSingle(floats, 8)]);

        var ints = new byte[12];
        Assert.Equal(2, JsonNumberArray.Write("[1, 2, 3.5]"u8, TensorElementType.Int32, 4, ints));
        Assert.Equal(1, JsonNumberArray.Write("[0, 1e40]"u8, TensorElementType.Float, 4, floats));
    }

    // "[1]]" measures as the array "[1]" followed by a stray byte, which the document parse then refuses.
    private static bool IsWholeArray(string json) =>
        JsonNumberArray.TryMeasure(Encoding.UTF8.GetBytes(json), 0, 8, out var end, out _) && end == json.Length;
}
