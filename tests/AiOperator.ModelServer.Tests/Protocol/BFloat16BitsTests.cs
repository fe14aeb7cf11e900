using AiOperator.ModelServer.Protocol;
using Xunit;

namespace AiOperator.ModelServer.Tests.Protocol;

public sealed class BFloat16BitsTests
{
    [Theory]
    [InlineData(1.0f, 0x3F80)]
    [InlineData(-2.0f, 0xC000)]
    [InlineData(0f, 0x0000)]
    [InlineData(float.PositiveInfinity, 0x7F80)]
    public void Exact_values_convert_both_ways(float value, int bits)
    {
        Assert.Equal((ushort)bits, BFloat16Bits.FromSingle(value));
        Assert.Equal(value, BFloat16Bits.ToSingle((ushort)bits));
    }

    [Fact]
    public void Rounds_to_nearest_even_and_keeps_nan()
    {
        // 1 + 2^-8 lies halfway between 1 and the next bfloat16: ties go to the even mantissa (1.0).
        Assert.Equal(0x3F80, BFloat16Bits.FromSingle(BitConverter.UInt32BitsToSingle(0x3F808000)));
        Assert.Equal(0x3F82, BFloat16Bits.FromSingle(BitConverter.UInt32BitsToSingle(0x3F818000)));
        Assert.True(float.IsNaN(BFloat16Bits.ToSingle(BFloat16Bits.FromSingle(float.NaN))));
    }
}
