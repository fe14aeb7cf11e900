using System.Globalization;
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

    // Flat arrays of number bytes that are not JSON: both the grammar walk and the checked conversion refuse them.
    public static readonly TheoryData<string> FlatButNotJson =
    [
        "[1,]", "[,1]", "[1,,2]", "[1 2]", "[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[1e+]", "[-]", "[--1]", "[1.2.3]", "[1e5e5]", "[1-2]",
        "[12345678901-2]",   // the bad byte inside an eight-byte block
        "[0.12345678.9]",
    ];

    [Theory]
    [MemberData(nameof(FlatButNotJson))]
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

    [Theory]
    [InlineData("[]", 0)]
    [InlineData("[ \r\n]", 0)]
    [InlineData("[1]", 1)]
    [InlineData("[1, 2.5 ,-3e-2]", 3)]
    [InlineData("[1,,2]", 3)]   // not JSON, but the scan only counts: the conversion checks
    [InlineData("[-]", 1)]
    public void Flat_arrays_are_scanned_for_their_end_and_commas(string json, long count)
    {
        var bytes = Encoding.UTF8.GetBytes(json + "}");
        Assert.True(JsonNumberArray.TryScanFlat(bytes, 0, out var end, out var found));
        Assert.Equal(json.Length, end);
        Assert.Equal(count, found);
    }

    [Theory]
    [InlineData("[[1]]")]
    [InlineData("[1,\"2\"]")]
    [InlineData("[true]")]
    [InlineData("[1,2")]
    [InlineData("{1}")]
    public void Anything_but_number_bytes_up_to_the_bracket_is_not_flat(string json) =>
        Assert.False(JsonNumberArray.TryScanFlat(Encoding.UTF8.GetBytes(json), 0, out _, out _));

    [Theory]
    [MemberData(nameof(FlatButNotJson))]
    public void Checked_conversion_refuses_what_is_not_json(string json)
    {
        foreach (var type in new[] { TensorElementType.Float, TensorElementType.Double, TensorElementType.Int64 })
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            Assert.True(JsonNumberArray.TryScanFlat(bytes, 0, out _, out var count));
            var size = type == TensorElementType.Float ? 4 : 8;
            Assert.False(JsonNumberArray.TryWriteChecked(bytes, type, size, new byte[count * size], out _));
            Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(bytes));
        }
    }

    [Fact]
    public void Checked_conversion_needs_exactly_the_destinations_count()
    {
        Assert.True(JsonNumberArray.TryWriteChecked("[1,2]"u8, TensorElementType.Float, 4, new byte[8], out var invalid));
        Assert.Equal(-1, invalid);
        Assert.False(JsonNumberArray.TryWriteChecked("[1,2]"u8, TensorElementType.Float, 4, new byte[4], out _));
        Assert.False(JsonNumberArray.TryWriteChecked("[1,2]"u8, TensorElementType.Float, 4, new byte[12], out _));
        Assert.True(JsonNumberArray.TryWriteChecked("[ ]"u8, TensorElementType.Float, 4, [], out _));
    }

    [Fact]
    public void Checked_conversion_names_the_first_invalid_value_but_still_checks_the_rest()
    {
        var floats = new byte[12];
        Assert.True(JsonNumberArray.TryWriteChecked("[0, 1e40, -1e40]"u8, TensorElementType.Float, 4, floats, out var invalid));
        Assert.Equal(1, invalid);
        Assert.False(JsonNumberArray.TryWriteChecked("[0, 1e40, 1.]"u8, TensorElementType.Float, 4, floats, out _));

        var ints = new byte[24];
        Assert.True(JsonNumberArray.TryWriteChecked("[1, 2, 3.5]"u8, TensorElementType.Int64, 8, ints, out invalid));
        Assert.Equal(2, invalid);
    }

    // Every float written as a client would (the shortest round trip, fixed and exponent forms, padded and
    // long decimals), read in one pass and checked against float.Parse: the eight-byte blocks meet every
    // alignment of digits, points and commas.
    [Fact]
    public void Checked_conversion_of_floats_matches_float_parse()
    {
        var random = new Random(7);
        var texts = new List<string>();
        for (var i = 0; i < 20_000; i++)
        {
            var value = (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30)));
            texts.Add((i % 5) switch
            {
                0 => value.ToString("R", CultureInfo.InvariantCulture),
                1 => value.ToString("F9", CultureInfo.InvariantCulture),
                2 => value.ToString("E12", CultureInfo.InvariantCulture),
                3 => ((double)value).ToString("R", CultureInfo.InvariantCulture),
                _ => random.Next(0, 1_000_000_000).ToString(CultureInfo.InvariantCulture) + "." + new string('0', random.Next(0, 30)) + random.Next().ToString(CultureInfo.InvariantCulture),
            });
        }

        texts.AddRange(["0", "-0", "0.0", "1e0", "123456789012345678901234567890", "0.000000000000000000000000000001234",
            "9007199254740993", "16777217", "3.4028235e38", "3.4028236e38", "1e-46", "12345678", "123456789", "1234567890123456"]);
        var json = Encoding.UTF8.GetBytes("[" + string.Join(",", texts) + "]");
        var floats = new byte[texts.Count * 4];

        Assert.True(JsonNumberArray.TryWriteChecked(json, TensorElementType.Float, 4, floats, out var invalid));
        for (var i = 0; i < texts.Count; i++)
        {
            var expected = float.Parse(texts[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.ToInt32(floats, i * 4), $"{texts[i]}: {expected} expected, {BitConverter.ToSingle(floats, i * 4)} read");
        }

        Assert.Equal(texts.IndexOf("3.4028236e38"), invalid);   // past float's range: infinity, which JSON cannot carry
    }

    // "[1]]" measures as the array "[1]" followed by a stray byte, which the document parse then refuses.
    private static bool IsWholeArray(string json) =>
        JsonNumberArray.TryMeasure(Encoding.UTF8.GetBytes(json), 0, 8, out var end, out _) && end == json.Length;
}
