using System.Buffers;
using System.Text.Json;

namespace AiOperator.ModelServer.Protocol;

/// <summary>
/// The numeric <c>inputs[i].data</c> arrays of a JSON infer request, found before the request is parsed
/// so that System.Text.Json only sees the envelope: tokenising 150,528 numbers into a JsonDocument cost
/// more than converting them. <see cref="Envelope"/> is the request with each such array written as
/// <c>[]</c>; the parser takes the array's elements from <see cref="For"/>. A flat array is only scanned
/// here (its grammar is checked as it is converted); <see cref="AllGrammatical"/> checks the ones not yet
/// converted when the request is refused, so that an array that is not JSON still sends the whole request
/// to System.Text.Json and its message.
/// </summary>
internal sealed class NumericDataArrays
{
    private static readonly ReadOnlyMemory<byte> EmptyArray = "[]"u8.ToArray();

    private readonly ReadOnlyMemory<byte> _json;
    private readonly List<(int Input, int Start, int End, long Count, bool Checked)> _arrays;

    private NumericDataArrays(ReadOnlyMemory<byte> json, List<(int Input, int Start, int End, long Count, bool Checked)> arrays)
    {
        _json = json;
        _arrays = arrays;
    }

    /// <summary>
    /// The numeric data arrays of <paramref name="json"/>, or null when there are none or the request is
    /// anything out of the ordinary (invalid JSON, a repeated <c>inputs</c> or <c>data</c> key): then the
    /// whole request goes to System.Text.Json as it is, which reports what is wrong.
    /// </summary>
    public static NumericDataArrays? Find(ReadOnlyMemory<byte> json, int maxDepth)
    {
        var arrays = new List<(int Input, int Start, int End, long Count, bool Checked)>();
        var options = new JsonReaderOptions { MaxDepth = maxDepth };
        var reader = new Utf8JsonReader(json.Span, options);
        var offset = 0;   // where the reader's position 0 lies in json, less the "[]" it was given in front
        var seenInputs = false;
        var inInputs = false;
        var input = -1;
        var inputHasData = false;
        try
        {
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName when depth == 1 && reader.ValueTextEquals("inputs"u8):
                        if (seenInputs)
                        {
                            return null;
                        }

                        seenInputs = true;
                        if (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                        {
                            inInputs = true;
                        }

                        break;
                    case JsonTokenType.EndArray when depth == 1:
                        inInputs = false;
                        break;
                    case JsonTokenType.PropertyName when inInputs && depth == 3 && reader.ValueTextEquals("data"u8):
                        if (inputHasData)
                        {
                            return null;
                        }

                        inputHasData = true;
                        var start = offset + (int)reader.BytesConsumed;
                        var span = json.Span;
                        while (start < span.Length && span[start] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
                        {
                            start++;
                        }

                        // The data array sits at depth 4 of the document; nested arrays may use the rest.
                        var flat = JsonNumberArray.TryScanFlat(span, start, out var end, out var count);
                        if (flat || JsonNumberArray.TryMeasure(span, start, maxDepth - 3, out end, out count))
                        {
                            arrays.Add((input, start, end, count, !flat));
                            var state = reader.CurrentState;
                            var first = new ByteSegment(EmptyArray);
                            var last = first.Append(json[end..]);
                            reader = new Utf8JsonReader(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length), isFinalBlock: true, state);
                            offset = end - EmptyArray.Length;
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.String or JsonTokenType.Number
                        or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null when inInputs && depth == 2:
                        input++;
                        inputHasData = false;
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return arrays.Count == 0 ? null : new NumericDataArrays(json, arrays);
    }

    /// <summary>The request with each numeric data array written as <c>[]</c>, in a buffer from the shared pool.</summary>
    public (byte[] Buffer, int Length) Envelope()
    {
        var length = _json.Length;
        foreach (var a in _arrays)
        {
            length -= a.End - a.Start - EmptyArray.Length;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        var json = _json.Span;
        var written = 0;
        var from = 0;
        foreach (var a in _arrays)
        {
            json[from..a.Start].CopyTo(buffer.AsSpan(written));
            written += a.Start - from;
            EmptyArray.Span.CopyTo(buffer.AsSpan(written));
            written += EmptyArray.Length;
            from = a.End;
        }

        json[from..].CopyTo(buffer.AsSpan(written));
        return (buffer, length);
    }

    /// <summary>
    /// The numeric data array of the input at <paramref name="index"/> in <c>inputs</c>, if it had one, and
    /// whether its grammar was checked (false: a flat array only scanned, whose count is its commas').
    /// </summary>
    public (ReadOnlyMemory<byte> Array, long Count, bool Checked)? For(int index)
    {
        foreach (var a in _arrays)
        {
            if (a.Input == index)
            {
                return (_json[a.Start..a.End], a.Count, a.Checked);
            }
        }

        return null;
    }

    /// <summary>Whether every array is JSON, checking the grammar of those only scanned; for refused requests only.</summary>
    public bool AllGrammatical()
    {
        foreach (var a in _arrays)
        {
            if (!a.Checked && !JsonNumberArray.TryMeasure(_json.Span[a.Start..a.End], 0, 1, out _, out _))
            {
                return false;
            }
        }

        return true;
    }
}
