using System.Globalization;
using System.Text;
using System.Text.Json;
using AiOperator.ModelServer.Protocol;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace AiOperator.ModelServer.Tests.Protocol;

// The fast conversion must give exactly what System.Text.Json gave before it, value for value.
public sealed class JsonNumberTests
{
    public static readonly TheoryData<string> EdgeNumbers = new()
    {
        "0", "-0", "0.0", "-0.0", "1", "-1", "0.1", "0.5", "1e0", "1E2", "1e-2", "1.5e+3", "123456789", "9007199254740992",
        "9007199254740993", "1234567890123456789", "12345678901234567890", "0.000001", "1e22", "1e23", "1e-22", "1e-23",
        "3.4028234663852886e38", "3.4028235677973366e38", "1e39", "-1e39", "1e400", "1e-400", "1.17549435e-38", "1e-45", "1e-46",
        "0.30000000000000004", "16777217", "33554435", "1.00000005960464477539062499", "1.000000059604644775390625",
        "1.00000005960464477539062501", "4.9e-324", "2.2250738585072014e-308", "18446744073709551615", "18446744073709551616",
        "-9223372036854775808", "-9223372036854775809", "9223372036854775807", "9223372036854775808", "0.1e1", "100e-2",
    };

    [Theory]
    [MemberData(nameof(EdgeNumbers))]
    public void Edge_numbers_convert_as_system_text_json_does(string number) => AssertAsBefore(number);

    [Fact]
    public void Random_floats_doubles_and_their_shortest_forms_convert_as_system_text_json_does()
    {
        var random = new Random(7);
        for (var i = 0; i < 20_000; i++)
        {
            var f = BitConverter.Int32BitsToSingle(random.Next());
            if (float.IsFinite(f))
            {
                AssertAsBefore(f.ToString("R", CultureInfo.InvariantCulture));
            }

            AssertAsBefore(((float)random.NextDouble()).ToString("R", CultureInfo.InvariantCulture));
            AssertAsBefore((random.NextDouble() * 2 - 1).ToString("R", CultureInfo.InvariantCulture));
            AssertAsBefore(random.NextDouble().ToString("F" + random.Next(1, 12), CultureInfo.InvariantCulture));
            AssertAsBefore(random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Decimals_on_a_float_midpoint_round_to_even_as_the_full_parse_does()
    {
        // 1 + 2^-24 is exactly halfway between the floats 1 and 1 + 2^-23: ties go to the even one (1).
        Assert.Equal(1f, JsonNumber.ToSingle("1.000000059604644775390625"u8));
        Assert.Equal(1.00000012f, JsonNumber.ToSingle("1.000000059604644775390626"u8));
        // 2^24 + 1 is halfway between 2^24 and 2^24 + 2; 2^24 + 3 is halfway between 2^24 + 2 and 2^24 + 4.
        Assert.Equal(16777216f, JsonNumber.ToSingle("16777217"u8));
        Assert.Equal(16777220f, JsonNumber.ToSingle("16777219"u8));
    }

    [Theory]
    [InlineData("1.0", TensorElementType.Int64)]
    [InlineData("1e2", TensorElementType.Int32)]
    [InlineData("-0", TensorElementType.UInt64)]
    [InlineData("256", TensorElementType.UInt8)]
    [InlineData("-129", TensorElementType.Int8)]
    [InlineData("4294967296", TensorElementType.UInt32)]
    [InlineData("1e39", TensorElementType.Float)]
    [InlineData("1e39", TensorElementType.BFloat16)]
    [InlineData("1e400", TensorElementType.Double)]
    [InlineData("-1e309", TensorElementType.Double)]
    [InlineData("65520", TensorElementType.Float16)]
    [InlineData("-1e5", TensorElementType.Float16)]
    [InlineData("1", TensorElementType.Bool)]
    [InlineData("1", TensorElementType.String)]
    public void Values_outside_the_type_are_refused(string number, TensorElementType type) =>
        Assert.False(JsonNumber.TryWrite(type, Encoding.UTF8.GetBytes(number), new byte[8]));

    [Theory]
    [InlineData("65504", 65504.0)]
    [InlineData("65519", 65504.0)]
    [InlineData("-65519.99", -65504.0)]
    public void Half_keeps_what_rounds_to_its_largest_value(string number, double expected)
    {
        var bytes = new byte[2];
        Assert.True(JsonNumber.TryWrite(TensorElementType.Float16, Encoding.UTF8.GetBytes(number), bytes));
        Assert.Equal((Half)expected, BitConverter.ToHalf(bytes));
    }

    [Fact]
    public void Double_keeps_its_largest_value()
    {
        var bytes = new byte[8];
        Assert.True(JsonNumber.TryWrite(TensorElementType.Double, "1.7976931348623157e308"u8, bytes));
        Assert.Equal(double.MaxValue, BitConverter.ToDouble(bytes));
    }

    private static void AssertAsBefore(string number)
    {
        using var document = JsonDocument.Parse(number);
        var element = document.RootElement;
        var token = Encoding.UTF8.GetBytes(number);

        Assert.True(element.TryGetSingle(out var single));
        Assert.Equal(BitConverter.SingleToInt32Bits(single), BitConverter.SingleToInt32Bits(JsonNumber.ToSingle(token)));
        Assert.True(element.TryGetDouble(out var dbl));
        Assert.Equal(BitConverter.DoubleToInt64Bits(dbl), BitConverter.DoubleToInt64Bits(JsonNumber.ToDouble(token)));
        Assert.Equal(element.TryGetInt64(out var l), JsonNumber.TryToInt64(token, out var l2));
        Assert.Equal(l, l2);
        Assert.Equal(element.TryGetUInt64(out var u), JsonNumber.TryToUInt64(token, out var u2));
        Assert.Equal(u, u2);
    }
}
