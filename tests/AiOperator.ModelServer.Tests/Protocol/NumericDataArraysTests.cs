using System.Text;
using AiOperator.ModelServer.Protocol;
using Xunit;

namespace AiOperator.ModelServer.Tests.Protocol;

public sealed class NumericDataArraysTests
{
    [Fact]
    public void Numeric_data_arrays_are_cut_out_of_the_envelope_by_input_position()
    {
        var json = """{"id":"data","inputs":[{"name":"a","data":[1,2],"shape":[2]},{"name":"s","data":["x"]},{"data" : [[3],[4,5]],"name":"b"}],"outputs":[{"name":"data"}]}""";
        var found = NumericDataArrays.Find(Encoding.UTF8.GetBytes(json), InferRequestParser.MaxJsonDepth);

        Assert.NotNull(found);
        var (buffer, length) = found.Envelope();
        Assert.Equal(
            """{"id":"data","inputs":[{"name":"a","data":[],"shape":[2]},{"name":"s","data":["x"]},{"data" : [],"name":"b"}],"outputs":[{"name":"data"}]}""",
            Encoding.UTF8.GetString(buffer, 0, length));
        Assert.Equal(("[1,2]", 2L, false), Shown(found.For(0)));   // flat: scanned, checked as it is converted
        Assert.Null(found.For(1));
        Assert.Equal(("[[3],[4,5]]", 3L, true), Shown(found.For(2)));   // nested: checked by the grammar walk
        Assert.True(found.AllGrammatical());
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"a","data":["x"]}]}""")]                        // nothing numeric
    [InlineData("""{"inputs":[{"name":"a","data":[1],"data":[2]}]}""")]               // a repeated data key
    [InlineData("""{"inputs":[{"data":[1]}],"inputs":[{"data":[2]}]}""")]             // a repeated inputs key
    [InlineData("""{"inputs":[{"name":"a","data":[1]}]""")]                           // not JSON
    [InlineData("""{"inputs":[{"name":"a","data":[1]}]} []""")]                       // not one JSON value
    [InlineData("""{"other":{"inputs":[{"data":[1]}]}}""")]                            // not the request's inputs
    public void Anything_unusual_leaves_the_request_to_system_text_json(string json) =>
        Assert.Null(NumericDataArrays.Find(Encoding.UTF8.GetBytes(json), InferRequestParser.MaxJsonDepth));

    [Fact]
    public void Inputs_that_are_not_objects_still_count_for_the_position()
    {
        var found = NumericDataArrays.Find("""{"inputs":[3,[{"data":[9]}],{"data":[1]}]}"""u8.ToArray(), InferRequestParser.MaxJsonDepth);
        Assert.NotNull(found);
        Assert.Null(found.For(0));
        Assert.Null(found.For(1));
        Assert.Equal(("[1]", 1L, false), Shown(found.For(2)));
    }

    [Fact]
    public void A_flat_array_that_is_not_json_is_found_and_then_told_apart()
    {
        var found = NumericDataArrays.Find("""{"inputs":[{"name":"a","data":[1,2]},{"name":"b","data":[1,,2]}]}"""u8.ToArray(), InferRequestParser.MaxJsonDepth);

        Assert.NotNull(found);
        Assert.Equal(("[1,,2]", 3L, false), Shown(found.For(1)));   // the commas' count; the grammar is checked later
        Assert.False(found.AllGrammatical());
    }

    private static (string, long, bool)? Shown((ReadOnlyMemory<byte> Array, long Count, bool Checked)? numbers) =>
        numbers is { } n ? (Encoding.UTF8.GetString(n.Array.Span), n.Count, n.Checked) : null;
}
