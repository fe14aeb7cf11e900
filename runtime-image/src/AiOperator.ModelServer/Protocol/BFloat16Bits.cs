namespace AiOperator.ModelServer.Protocol;

/// <summary>bfloat16 is the top half of an IEEE float; conversions round to nearest even and keep NaN a NaN.</summary>
internal static class BFloat16Bits
{
    public static ushort FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
