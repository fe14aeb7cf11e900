using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Protocol;

/// <summary>
/// Converts one JSON number token to a tensor element, with the results System.Text.Json's
/// <c>TryGetSingle</c>/<c>TryGetDouble</c>/<c>TryGetInt64</c> give, but without their general-purpose
/// parse: a ResNet-sized request carries 150,528 numbers, and converting them was most of its JSON cost.
/// Every reader checks the number against the JSON grammar as it splits it (one routine, eight digits
/// per step), so a flat array can be checked and converted in the same walk.
/// </summary>
internal static class JsonNumber
{
    // Powers of ten a double holds exactly: with a mantissa of at most 2^53 one multiply or divide by them
    // is the correctly rounded result (Clinger's fast path); anything else goes to the BCL's full parse.
    private static readonly double[] ExactPowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    private static readonly ulong[] PowersOfTenInteger = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    /// <summary>Writes the token as an element of <paramref name="type"/>; false when it is not a valid value of it.</summary>
    public static bool TryWrite(TensorElementType type, ReadOnlySpan<byte> token, Span<byte> destination)
    {
        var position = 0;
        return TryWrite(type, token, ref position, destination) && position == token.Length;
    }

    /// <summary>
    /// Writes the number that starts at <paramref name="position"/> of <paramref name="json"/> as an element
    /// of <paramref name="type"/> and moves the position past it, in one pass over its bytes; false when it
    /// is not a valid value of the type.
    /// </summary>
    public static bool TryWrite(TensorElementType type, ReadOnlySpan<byte> json, ref int position, Span<byte> destination)
    {
        var start = position;
        if (!TrySplit(json, ref position, out var negative, out var mantissa, out var exponent, out var fast))
        {
            return false;
        }

        var token = json[start..position];
        switch (type)
        {
            case TensorElementType.Float:
                var f = ToSingle(token, fast, negative, mantissa, exponent);
                return float.IsFinite(f) && BinaryPrimitives.TryWriteSingleLittleEndian(destination, f);
            // A number too large for the type is refused, not stored as infinity: infinity is sent as the string "Infinity".
            case TensorElementType.Double:
                var d = ToDouble(token, fast, negative, mantissa, exponent);
                return double.IsFinite(d) && BinaryPrimitives.TryWriteDoubleLittleEndian(destination, d);
            case TensorElementType.Float16:
                var h = (Half)ToDouble(token, fast, negative, mantissa, exponent);
                return Half.IsFinite(h) && BinaryPrimitives.TryWriteHalfLittleEndian(destination, h);
            case TensorElementType.BFloat16:
                var b = ToSingle(token, fast, negative, mantissa, exponent);
                return float.IsFinite(b) && BinaryPrimitives.TryWriteUInt16LittleEndian(destination, BFloat16Bits.FromSingle(b));
            case TensorElementType.Int64:
                return TryToInt64(token, out var i64) && BinaryPrimitives.TryWriteInt64LittleEndian(destination, i64);
            case TensorElementType.UInt64:
                return TryToUInt64(token, out var u64) && BinaryPrimitives.TryWriteUInt64LittleEndian(destination, u64);
            case TensorElementType.Int32:
                return InRange(token, int.MinValue, int.MaxValue, out var i32) && BinaryPrimitives.TryWriteInt32LittleEndian(destination, (int)i32);
            case TensorElementType.UInt32:
                return InRange(token, 0, uint.MaxValue, out var u32) && BinaryPrimitives.TryWriteUInt32LittleEndian(destination, (uint)u32);
            case TensorElementType.Int16:
                return InRange(token, short.MinValue, short.MaxValue, out var i16) && BinaryPrimitives.TryWriteInt16LittleEndian(destination, (short)i16);
            case TensorElementType.UInt16:
                return InRange(token, 0, ushort.MaxValue, out var u16) && BinaryPrimitives.TryWriteUInt16LittleEndian(destination, (ushort)u16);
            case TensorElementType.Int8:
                return InRange(token, sbyte.MinValue, sbyte.MaxValue, out var i8) && Put(destination, (byte)(sbyte)i8);
            case TensorElementType.UInt8:
                return InRange(token, 0, byte.MaxValue, out var u8) && Put(destination, (byte)u8);
            default:
                return false;   // BOOL and BYTES elements are never numbers
        }
    }

    /// <summary>
    /// Reads the JSON number at <paramref name="position"/> as a float (±infinity beyond its range, as
    /// <c>float.Parse</c>) and moves past it, checking it against the JSON grammar on the way; false when
    /// no number of the grammar starts there. What follows the number is the caller's to check ("01"
    /// reads as 0 followed by a stray "1").
    /// </summary>
    public static bool TryReadSingle(ReadOnlySpan<byte> json, ref int position, out float value)
    {
        var start = position;
        if (!TrySplit(json, ref position, out var negative, out var mantissa, out var exponent, out var fast))
        {
            value = 0;
            return false;
        }

        value = ToSingle(json[start..position], fast, negative, mantissa, exponent);
        return true;
    }

    // Adds the digits at i to the mantissa, eight at a time where the bytes allow (SWAR: one 64-bit load,
    // a check that all eight are digits, three multiplies); returns one past the last digit, with the
    // number of digits taken into the mantissa in taken. Past 2^53 the mantissa stops growing and the
    // number leaves the fast path (fast = false): the full parse then reads the token itself.
    private static int AccumulateDigits(ReadOnlySpan<byte> json, int i, ref ulong mantissa, ref bool fast, out int taken)
    {
        taken = 0;
        // Below 10^11, mantissa * 10^8 + 99,999,999 stays below 2^64.
        while (i + 8 <= json.Length && mantissa < 100_000_000_000UL)
        {
            var chunk = BinaryPrimitives.ReadUInt64LittleEndian(json[i..]) ^ 0x3030303030303030UL;
            // A byte is a digit when its value less '0' is at most 9: no high nibble, and none after adding 6.
            // A carry out of a non-digit byte can only touch bytes after it, which are not counted.
            var notDigit = (chunk | (chunk + 0x0606060606060606UL)) & 0xF0F0F0F0F0F0F0F0UL;
            var digits = notDigit == 0 ? 8 : BitOperations.TrailingZeroCount(notDigit) >> 3;
            if (digits == 0)
            {
                return i;
            }

            // The first `digits` bytes moved to the top; the zero bytes below act as leading zeros.
            mantissa = (mantissa * PowersOfTenInteger[digits]) + EightDigits(chunk << (8 * (8 - digits)));
            taken += digits;
            i += digits;
            if (digits < 8)
            {
                return i;
            }
        }

        for (; i < json.Length && (uint)(json[i] - '0') <= 9; i++)
        {
            if (mantissa > 1UL << 53)
            {
                fast = false;   // the rest only moves the scan on
                continue;
            }

            mantissa = (mantissa * 10) + (uint)(json[i] - '0');
            taken++;
        }

        return i;
    }

    // Eight digit values (0-9, the first in the lowest byte) as one number.
    private static ulong EightDigits(ulong chunk)
    {
        chunk = (chunk * 10) + (chunk >> 8);
        chunk = ((chunk & 0x000000FF000000FFUL) * (100 + (1_000_000UL << 32))
            + (((chunk >> 16) & 0x000000FF000000FFUL) * (1 + (10_000UL << 32)))) >> 32;
        return chunk;
    }

    /// <summary>The correctly rounded double; ±infinity beyond its range, as <c>double.Parse</c>.</summary>
    public static double ToDouble(ReadOnlySpan<byte> token)
    {
        var position = 0;
        var split = TrySplit(token, ref position, out var negative, out var mantissa, out var exponent, out var fast);
        return ToDouble(token, split && fast && position == token.Length, negative, mantissa, exponent);
    }

    /// <summary>The correctly rounded float; ±infinity beyond its range, as <c>float.Parse</c>.</summary>
    public static float ToSingle(ReadOnlySpan<byte> token)
    {
        var position = 0;
        var split = TrySplit(token, ref position, out var negative, out var mantissa, out var exponent, out var fast);
        return ToSingle(token, split && fast && position == token.Length, negative, mantissa, exponent);
    }

    private static double ToDouble(ReadOnlySpan<byte> token, bool fast, bool negative, ulong mantissa, int exponent)
    {
        if (fast)
        {
            var d = Scale(mantissa, exponent);
            return negative ? -d : d;
        }

        return double.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static float ToSingle(ReadOnlySpan<byte> token, bool fast, bool negative, ulong mantissa, int exponent)
    {
        if (fast)
        {
            // d is the decimal correctly rounded to double; rounding it again to float gives the decimal
            // correctly rounded to float unless d landed exactly on a midpoint between two floats, where
            // the second rounding could go the wrong way: that case takes the full parse.
            var d = Scale(mantissa, exponent);
            if (!IsSingleMidpoint(d))
            {
                var f = (float)d;
                return negative ? -f : f;
            }
        }

        return float.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>An integer token (no fraction, no exponent) that fits a long.</summary>
    public static bool TryToInt64(ReadOnlySpan<byte> token, out long value)
    {
        value = 0;
        var negative = token.Length > 0 && token[0] == '-';
        if (!TryDigits(token[(negative ? 1 : 0)..], out var magnitude) || magnitude > (negative ? 1UL << 63 : long.MaxValue))
        {
            return false;
        }

        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    /// <summary>An integer token without a sign that fits a ulong (System.Text.Json refuses even "-0" here).</summary>
    public static bool TryToUInt64(ReadOnlySpan<byte> token, out ulong value) => TryDigits(token, out value);

    private static bool InRange(ReadOnlySpan<byte> token, long min, long max, out long value) =>
        TryToInt64(token, out value) && value >= min && value <= max;

    private static bool TryDigits(ReadOnlySpan<byte> digits, out ulong value)
    {
        value = 0;
        if (digits.IsEmpty)
        {
            return false;
        }

        foreach (var c in digits)
        {
            var digit = (uint)(c - '0');
            if (digit > 9 || value > (ulong.MaxValue - digit) / 10)
            {
                value = 0;
                return false;   // a fraction, an exponent, or too large
            }

            value = (value * 10) + digit;
        }

        return true;
    }

    // Reads the JSON number at position (moving past it) as ±mantissa × 10^exponent, checking the JSON
    // grammar on the way; false, the position unchanged, when no number of the grammar starts there. fast:
    // Clinger's fast path applies (a mantissa of at most 2^53, an exponent within ±22).
    private static bool TrySplit(ReadOnlySpan<byte> json, ref int position, out bool negative, out ulong mantissa, out int exponent, out bool fast)
    {
        var i = position;
        negative = i < json.Length && json[i] == '-';
        if (negative)
        {
            i++;
        }

        mantissa = 0;
        exponent = 0;
        fast = true;
        if (i >= json.Length || (uint)(json[i] - '0') > 9)
        {
            return false;
        }

        if (json[i] == '0')
        {
            i++;   // a leading zero stands alone
        }
        else
        {
            i = AccumulateDigits(json, i, ref mantissa, ref fast, out _);
        }

        if (i < json.Length && json[i] == '.')
        {
            var fractionStart = i + 1;
            i = AccumulateDigits(json, fractionStart, ref mantissa, ref fast, out var taken);
            if (i == fractionStart)
            {
                return false;
            }

            exponent -= taken;
        }

        if (i < json.Length && (json[i] | 0x20) == 'e')
        {
            i++;
            var negativeExponent = i < json.Length && json[i] == '-';
            if (i < json.Length && json[i] is (byte)'-' or (byte)'+')
            {
                i++;
            }

            var digitsStart = i;
            var e = 0;
            for (; i < json.Length && (uint)(json[i] - '0') <= 9; i++)
            {
                e = Math.Min((e * 10) + (json[i] - '0'), 100_000);   // far past any fast-path exponent, never overflowing
            }

            if (i == digitsStart)
            {
                return false;
            }

            exponent += negativeExponent ? -e : e;
        }

        position = i;
        fast &= mantissa <= 1UL << 53 && exponent is >= -22 and <= 22;
        return true;
    }

    private static double Scale(ulong mantissa, int exponent) =>
        exponent < 0 ? mantissa / ExactPowersOfTen[-exponent] : mantissa * ExactPowersOfTen[exponent];

    // A float keeps 24 significant bits of a double's 53: a double exactly halfway between two floats has
    // the 29 bits below them set to 1000...0. Every fast-path value is a normal float (1e-22 to 9e37).
    private static bool IsSingleMidpoint(double d) =>
        (BitConverter.DoubleToInt64Bits(d) & ((1L << 29) - 1)) == 1L << 28;

    private static bool Put(Span<byte> destination, byte value)
    {
        destination[0] = value;
        return true;
    }
}
