using AiOperator.ModelServer.Configuration;
using Xunit;

namespace AiOperator.ModelServer.Tests.Configuration;

public sealed class ServerOptionsParserTests
{
    private static readonly Dictionary<string, string> NoEnv = [];

    [Fact]
    public void Flags_set_every_option_and_defaults_fill_the_rest()
    {
        var o = ServerOptionsParser.Parse(
        [
            "--model-uri", "file:///m.onnx", "--model-name", "resnet18", "--model-version", "3", "--host", "10.1.2.3",
            "--http-port=9000", "--execution-provider", "TensorRT", "--max-batch-size", "16", "--max-queue-delay-us", "500",
            "--max-queue-size", "10", "--graph-optimization-level", "basic", "--sha256", new string('A', 64),
        ], NoEnv, defaultThreads: 3);

        Assert.Equal("file:///m.onnx", o.ModelUri);
        Assert.Equal("resnet18", o.ModelName);
        Assert.Equal("3", o.ModelVersion);
        Assert.Equal("10.1.2.3", o.Host);
        Assert.Equal(9000, o.HttpPort);
        Assert.Equal(ExecutionProviderKind.TensorRT, o.ExecutionProvider);
        Assert.Equal(16, o.MaxBatchSize);
        Assert.Equal(500, o.MaxQueueDelayMicroseconds);
        Assert.Equal(10, o.MaxQueueSize);
        Assert.Equal(GraphOptimization.Basic, o.GraphOptimization);
        Assert.Equal(new string('a', 64), o.Sha256);
        Assert.Equal(3, o.IntraOpThreads);
        Assert.Equal(64L * 1024 * 1024, o.MaxRequestBytes);
        Assert.False(o.IntraOpSpinning);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("False", false)]
    public void Intra_op_spinning_is_a_boolean(string value, bool expected) =>
        Assert.Equal(expected, ServerOptionsParser.Parse(["--model-uri", "m", "--intra-op-spinning", value], NoEnv, 1).IntraOpSpinning);

    [Fact]
    public void Environment_is_used_and_flags_win()
    {
        var env = new Dictionary<string, string>
        {
            ["AIOP_MODEL_URI"] = "/env.onnx", ["AIOP_MODEL_NAME"] = "envname", ["AIOP_HTTP_PORT"] = "7000",
            ["AIOP_EXECUTION_PROVIDER"] = "cuda", ["AIOP_TERMINATION_LOG"] = "/tmp/t",
        };
        var o = ServerOptionsParser.Parse(["--http-port", "7001"], env, 1);
        Assert.Equal("/env.onnx", o.ModelUri);
        Assert.Equal("envname", o.ModelName);
        Assert.Equal(7001, o.HttpPort);
        Assert.Equal(ExecutionProviderKind.Cuda, o.ExecutionProvider);
        Assert.Equal("/tmp/t", o.TerminationLogPath);
    }

    [Theory]
    [InlineData(new string[0], "--model-uri (or AIOP_MODEL_URI) is required")]
    [InlineData(new[] { "--model-uri", "m", "--http-port", "70000" }, "--http-port '70000' is invalid")]
    [InlineData(new[] { "--model-uri", "m", "--max-batch-size", "zero" }, "--max-batch-size 'zero' is invalid")]
    [InlineData(new[] { "--model-uri", "m", "--execution-provider", "ROCm" }, "one of Auto, CUDA, TensorRT, CPU")]
    [InlineData(new[] { "--model-uri", "m", "--model-name", "a/b" }, "--model-name 'a/b' is invalid")]
    [InlineData(new[] { "--model-uri", "m", "--sha256", "abc" }, "--sha256 must be 64 hexadecimal characters")]
    [InlineData(new[] { "--model-uri", "m", "--bogus", "1" }, "unknown option --bogus")]
    [InlineData(new[] { "--model-uri", "m", "--intra-op-spinning", "sometimes" }, "--intra-op-spinning 'sometimes' is invalid")]
    [InlineData(new[] { "--model-uri" }, "--model-uri needs a value")]
    [InlineData(new[] { "model.onnx" }, "unexpected argument 'model.onnx'")]
    [InlineData(new[] { "--model-uri", "m", "--max-request-bytes", "10" }, "--max-request-bytes '10' is invalid")]
    public void Bad_options_name_the_flag(string[] args, string expected)
    {
        var ex = Assert.Throws<OptionsException>(() => ServerOptionsParser.Parse(args, NoEnv, 1));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
