using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AiOperator.ModelServer.Protocol;

/// <summary>
/// A tensor's <c>data</c> array read straight from the request bytes when it holds only numbers (nested
/// arrays of numbers included), the form nearly every client sends. <see cref="TryMeasure"/> checks it
/// against the JSON grammar and counts its elements; <see cref="Write"/> converts them. Anything else
/// (strings, literals, objects, a syntax error) makes TryMeasure say no, and the array is left to
/// System.Text.Json and its error messages. A flat array (no nested arrays, the form of nearly every
/// request) takes a faster road: <see cref="TryScanFlat"/> finds its end and counts its elements with
/// vectorised searches, and <see cref="TryWriteChecked"/> checks its grammar while converting it, so its
/// bytes are walked once instead of twice.
/// </summary>
internal static class JsonNumberArray
{
    // Every byte a flat array of JSON numbers can hold between its brackets.
    private static readonly SearchValues<byte> FlatArrayBytes = SearchValues.Create("0123456789+-.eE, \t\r\n"u8);

    /// <summary>
    /// Whether <paramref name="json"/> holds, at <paramref name="start"/>, a '[' followed by nothing but
    /// number bytes, commas and whitespace up to a ']'; if so, where it ends (one past its ']') and how many
    /// elements its commas give it. The grammar is not checked: "[1,,2]" passes with 3 elements, and only
    /// <see cref="TryWriteChecked"/> (or <see cref="TryMeasure"/>) tells it is not JSON.
    /// </summary>
    public static bool TryScanFlat(ReadOnlySpan<byte> json, int start, out int end, out long count)
    {
        end = 0;
        count = 0;
        if (start >= json.Length || json[start] != '[')
        {
            return false;
        }

        var content = json[(start + 1)..];
        var stop = content.IndexOfAnyExcept(FlatArrayBytes);
        if (stop < 0 || content[stop] != ']')
        {
            return false;
        }

        content = content[..stop];
        count = content.IndexOfAnyExcept(" \t\r\n"u8) < 0 ? 0 : content.Count((byte)',') + 1;
        end = start + stop + 2;
        return true;
    }

    /// <summary>
    /// Converts a flat array <see cref="TryScanFlat"/> accepted (its bytes from '[' to ']') into elements of
    /// <paramref name="type"/>, checking the JSON grammar as it goes. False when the array is not a JSON
    /// array of exactly as many numbers as <paramref name="destination"/> holds; otherwise
    /// <paramref name="invalid"/> is the index of the first number that is not a valid value of the type, or -1.
    /// </summary>
    public static bool TryWriteChecked(ReadOnlySpan<byte> array, TensorElementType type, int elementSize, Span<byte> destination, out long invalid)
    {
        invalid = -1;
        if (type == TensorElementType.Float && TryWriteSingles(array, MemoryMarshal.Cast<byte, float>(destination), out invalid))
        {
            return true;
        }

        // Other types, and anything the one-pass reader refused: the grammar walk decides, then the conversion.
        if (!TryMeasure(array, 0, 1, out var end, out var count) || end != array.Length || count * elementSize != destination.Length)
        {
            return false;
        }

        invalid = Write(array, type, elementSize, destination);
        return true;
    }

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

            if (!JsonNumber.TryReadSingle(array, ref i, out var value) || !float.IsFinite(value))
            {
                return index;
            }

            destination[index++] = value;
        }
    }

    // '[' number (',' number)* ']' with whitespace between tokens, exactly destination.Length numbers; the
    // first non-finite value is remembered but the walk goes on, so a grammar error later in the array
    // still makes it "not JSON" as it would be for System.Text.Json.
    private static bool TryWriteSingles(ReadOnlySpan<byte> array, Span<float> destination, out long invalid)
    {
        invalid = -1;
        var last = array.Length - 1;
        if (last < 1 || array[0] != '[' || array[last] != ']')
        {
            return false;
        }

        var i = SkipWhitespace(array, 1);
        if (i == last)
        {
            return destination.IsEmpty;
        }

        var index = 0;
        while (index < destination.Length && JsonNumber.TryReadSingle(array, ref i, out var value))
        {
            if (!float.IsFinite(value) && invalid < 0)
            {
                invalid = index;
            }

            destination[index++] = value;
            i = SkipWhitespace(array, i);
            if (array[i] == ',')
            {
                i = SkipWhitespace(array, i + 1);
                continue;
            }

            return i == last && index == destination.Length;
        }

        return false;
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
