using System.Globalization;
using System.Text;
using AiOperator.ModelServer.Model;
using AiOperator.ModelServer.Protocol;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace AiOperator.ModelServer.Tests.Protocol;

// Differential fuzzing of the numeric fast path: a data array mangled at random must get exactly what
// System.Text.Json's walk gives it (the reference is forced by a repeated "data" key, which the fast path
// refuses): the same tensor bytes, or a 400 with the same message. Invalid JSON only has to be a 400 on
// both: its message carries a byte position, and the reference body is longer.
public sealed class NumericDataFuzzTests
{
    private static readonly string[] Pieces =
        ["0", "1", "7", "9", "-", "+", ".", "e", "E", ",", "[", "]", " ", "\n", "\"", "x", "00", "1e400", "-0", "2.5", "NaN", "\"NaN\"", "true", "{}", "1.0000000596046448"];

    [Theory]
    [InlineData("FP32", 1, false)]
    [InlineData("FP64", 2, false)]
    [InlineData("INT64", 3, false)]
    [InlineData("UINT8", 4, false)]
    [InlineData("FP16", 5, false)]
    [InlineData("FP32", 6, true)]   // long digit runs: the eight-digit steps of the one-pass reader, mangled mid-run
    public void Mangled_data_arrays_get_what_system_text_json_gives_them(string datatype, int seed, bool longNumbers)
    {
        Assert.True(OipDatatype.TryParse(datatype, out var type));
        var random = new Random(seed);
        var signature = new ModelSignature([new TensorSpec("x", type, [-1])], [new TensorSpec("y", TensorElementType.Float, [1])]);
        var agreedValues = 0;
        for (var i = 0; i < 3000; i++)
        {
            var n = random.Next(0, 12);
            var integers = type is TensorElementType.Int64 or TensorElementType.UInt8;
            var values = Enumerable.Range(0, n).Select(_ => integers ? random.Next(0, 256).ToString(CultureInfo.InvariantCulture)
                : longNumbers ? ((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 12))).ToString("R", CultureInfo.InvariantCulture)
                : (random.Next(-300, 300) / 4.0).ToString(CultureInfo.InvariantCulture));
            var data = Mangle(random, "[" + string.Join(",", values) + "]");
            var count = random.Next(10) < 7 ? n : random.Next(0, 12);   // mostly the count the array had before mangling
            var fast = Outcome($$"""{"inputs":[{"name":"x","shape":[{{count}}],"datatype":"{{datatype}}","data":{{data}}}]}""", signature);
            var reference = Outcome($$"""{"inputs":[{"name":"x","shape":[{{count}}],"datatype":"{{datatype}}","data":[],"data":{{data}}}]}""", signature);

            if (reference.StartsWith("error: request body is not valid JSON", StringComparison.Ordinal))
            {
                Assert.StartsWith("error: request body is not valid JSON", fast, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(reference == fast, $"data {data} shape [{count}]: fast path {fast}, System.Text.Json {reference}");
                agreedValues += reference.StartsWith("ok", StringComparison.Ordinal) ? 1 : 0;
            }
        }

        Assert.True(agreedValues > 300, $"only {agreedValues} mangled requests parsed at all: the fuzzing is too coarse to compare values");
    }

    private static string Mangle(Random random, string array)
    {
        var text = new StringBuilder(array);
        for (var edits = random.Next(0, 3); edits > 0; edits--)
        {
            var at = random.Next(0, text.Length + 1);
            switch (random.Next(3))
            {
                case 0:
                    text.Insert(at, Pieces[random.Next(Pieces.Length)]);
                    break;
                case 1 when at < text.Length:
                    text.Remove(at, 1);
                    break;
                default:
                    if (at < text.Length)
                    {
                        text[at] = Pieces[random.Next(Pieces.Length)][0];
                    }

                    break;
            }
        }

        return text.ToString();
    }

    private static string Outcome(string body, ModelSignature signature)
    {
        try
        {
            using var request = InferRequestParser.Parse(Encoding.UTF8.GetBytes(body), null, signature, "m");
            return "ok " + Convert.ToHexString(request.Inputs[0].Bytes);
        }
        catch (InferenceException e)
        {
            Assert.Equal(400, e.StatusCode);
            return "error: " + e.Message;
        }
    }
}
