using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Protocol;

/// <summary>
/// A tensor's <c>data</c> array read straight from the request bytes when it holds only numbers (nested
/// arrays of numbers included), the form nearly every client sends. <see cref="TryMeasure"/> checks it
/// against the JSON grammar and counts its elements; <see cref="Write"/> converts them. Anything else
/// (strings, literals, objects, a syntax error) makes TryMeasure say no, and the array is left to
/// System.Text.Json and its error messages.
/// </summary>
internal static class JsonNumberArray
{
    /// <summary>
    /// Whether <paramref name="json"/> holds, at <paramref name="start"/>, an array of numbers and arrays
    /// of numbers no deeper than <paramref name="maxDepth"/>; if so, where it ends (one past its ']') and
    /// how many numbers it holds.
    /// </summary>
    public static bool TryMeasure(ReadOnlySpan<byte> json, int start, int maxDepth, out int end, out long count)
    {
        end = 0;
        count = 0;
        if (start >= json.Length || json[start] != '[' || maxDepth < 1)
        {
            return false;
        }

        var depth = 1;
        var i = SkipWhitespace(json, start + 1);
        if (i < json.Length && json[i] == ']')
        {
            end = i + 1;
            return true;
        }

        while (true)
        {
            // A value: a number or a nested array.
            i = SkipWhitespace(json, i);
            if (i >= json.Length)
            {
                return false;
            }

            if (json[i] == '[')
            {
                if (++depth > maxDepth)
                {
                    return false;
                }

                i = SkipWhitespace(json, i + 1);
                if (i < json.Length && json[i] == ']')
                {
                    i++;
                    depth--;
                }
                else
                {
                    continue;
                }
            }
            else
            {
                i = NumberEnd(json, i);
                if (i < 0)
                {
                    return false;
                }

                count++;
            }

            // After a value: a comma, or the end of one or more arrays.
            while (true)
            {
                i = SkipWhitespace(json, i);
                if (i >= json.Length)
                {
                    return false;
                }

                if (json[i] == ',')
                {
                    i++;
                    break;
                }

                if (json[i] != ']')
                {
                    return false;
                }

                i++;
                if (--depth == 0)
                {
                    end = i;
                    return true;
                }
            }
        }
    }

    /// <summary>
    /// Converts the numbers of an array <see cref="TryMeasure"/> accepted into elements of
    /// <paramref name="type"/>, in order; returns the index of the first that is not a valid value of
    /// the type, or -1 when all are.
    /// </summary>
    public static long Write(ReadOnlySpan<byte> array, TensorElementType type, int elementSize, Span<byte> destination)
    {
        if (type == TensorElementType.Float)
        {
            return WriteSingles(array, MemoryMarshal.Cast<byte, float>(destination));
        }

        long index = 0;
        var i = 0;
        while (true)
        {
            i = SkipToNumber(array, i);
            if (i == array.Length)
            {
                return -1;
            }

            if (!JsonNumber.TryWrite(type, array, ref i, destination.Slice((int)(index * elementSize), elementSize)))
            {
                return index;
            }

            index++;
        }
    }

    // FP32, by far the most common JSON tensor, without the per-element type dispatch.
    private static long WriteSingles(ReadOnlySpan<byte> array, Span<float> destination)
    {
        var index = 0;
        var i = 0;
        while (true)
        {
            i = SkipToNumber(array, i);
            if (i == array.Length)
            {
                return -1;
            }

            var value = JsonNumber.ReadSingle(array, ref i);
            if (!float.IsFinite(value))
            {
                return index;
            }

            destination[index++] = value;
        }
    }

    // Brackets, commas and whitespace were checked by TryMeasure; only numbers matter when writing.
    private static int SkipToNumber(ReadOnlySpan<byte> array, int i)
    {
        while (i < array.Length && array[i] is (byte)'[' or (byte)']' or (byte)',' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            i++;
        }

        return i;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && json[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            i++;
        }

        return i;
    }

    // One past the JSON number starting at i (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?), or -1.
    private static int NumberEnd(ReadOnlySpan<byte> json, int i)
    {
        if (i < json.Length && json[i] == '-')
        {
            i++;
        }

        if (i >= json.Length)
        {
            return -1;
        }

        if (json[i] == '0')
        {
            i++;
        }
        else if ((uint)(json[i] - '1') <= 8)
        {
            i = Digits(json, i + 1);
        }
        else
        {
            return -1;
        }

        if (i < json.Length && json[i] == '.')
        {
            var fraction = Digits(json, i + 1);
            if (fraction == i + 1)
            {
                return -1;
            }

            i = fraction;
        }

        if (i < json.Length && (json[i] | 0x20) == 'e')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var exponent = Digits(json, i);
            if (exponent == i)
            {
                return -1;
            }

            i = exponent;
        }

        return i;
    }

    private static int Digits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && (uint)(json[i] - '0') <= 9)
        {
            i++;
        }

        return i;
    }
}
