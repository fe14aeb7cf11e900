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
        Assert.Equal(("[1,2]", 2L), Shown(found.For(0)));
        Assert.Null(found.For(1));
        Assert.Equal(("[[3],[4,5]]", 3L), Shown(found.For(2)));
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
        Assert.Equal(("[1]", 1L), Shown(found.For(2)));
    }

    private static (string, long)? Shown((ReadOnlyMemory<byte> Array, long Count)? numbers) =>
        numbers is { } n ? (Encoding.UTF8.GetString(n.Array.Span), n.Count) : null;
}
