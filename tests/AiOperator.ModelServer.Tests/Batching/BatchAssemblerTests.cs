using AiOperator.ModelServer.Batching;
using AiOperator.ModelServer.Protocol;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace AiOperator.ModelServer.Tests.Batching;

public sealed class BatchAssemblerTests
{
    private static InferRequest Request(long rows, int cols = 2, string[]? outputs = null, byte fill = 1) =>
        new(null, [InferenceTensor.Numeric("x", TensorElementType.UInt8, [rows, cols], Enumerable.Repeat(fill, (int)(rows * cols)).ToArray())],
            (outputs ?? ["y"]).Select(o => new RequestedOutput(o, false)).ToList());

    [Fact]
    public void Keys_match_on_trailing_shape_types_and_outputs_only()
    {
        Assert.Equal(BatchAssembler.Key(Request(1)), BatchAssembler.Key(Request(5)));
        Assert.NotEqual(BatchAssembler.Key(Request(1)), BatchAssembler.Key(Request(1, cols: 3)));
        Assert.NotEqual(BatchAssembler.Key(Request(1)), BatchAssembler.Key(Request(1, outputs: ["y", "z"])));
    }

    [Fact]
    public void Inputs_with_different_first_dims_cannot_batch()
    {
        var request = new InferRequest(null,
            [InferenceTensor.Numeric("a", TensorElementType.UInt8, [1, 1], [1]), InferenceTensor.Numeric("b", TensorElementType.UInt8, [2, 1], [1, 2])], []);
        Assert.Null(BatchAssembler.Key(request));
    }

    [Fact]
    public void Stack_then_split_gives_each_request_its_rows()
    {
        var requests = new[] { Request(1, fill: 1), Request(3, fill: 2), Request(2, fill: 3) };
        var stacked = BatchAssembler.Stack(requests).Single();
        Assert.Equal([6L, 2L], stacked.Shape);
        Assert.Equal(new byte[] { 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3 }, stacked.Bytes.ToArray());

        var split = BatchAssembler.Split([stacked], [1, 3, 2])!;
        Assert.Equal([3L, 2L], split[1][0].Shape);
        Assert.Equal(new byte[] { 2, 2, 2, 2, 2, 2 }, split[1][0].Bytes.ToArray());
        Assert.Equal(new byte[] { 3, 3, 3, 3 }, split[2][0].Bytes.ToArray());
    }

    [Fact]
    public void Strings_split_by_rows()
    {
        var output = InferenceTensor.Text("s", [3, 1], [[1], [2], [3]]);
        var split = BatchAssembler.Split([output], [2, 1])!;
        Assert.Equal([[1], [2]], split[0][0].Strings!);
        Assert.Equal([[3]], split[1][0].Strings!);
    }

    [Fact]
    public void Outputs_without_the_batch_dimension_refuse_to_split()
    {
        var pooled = InferenceTensor.Numeric("y", TensorElementType.UInt8, [1, 4], [1, 2, 3, 4]);
        Assert.Null(BatchAssembler.Split([pooled], [1, 1]));
    }
}
