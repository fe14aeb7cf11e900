using AiOperator.Cli.Demo;

namespace AiOperator.Cli.Tests.Demo;

public sealed class LoadGeneratorTests
{
    [Theory]
    [InlineData("http://10.0.0.1/v2/models/m/infer")]
    [InlineData("http://192.168.1.5/v2/models/m/infer")]
    [InlineData("http://example.com/v2/models/m/infer")]
    public void Load_is_never_sent_beyond_loopback(string url)
    {
        var error = Assert.Throws<ArgumentException>(() => LoadGenerator.Start(new Uri(url), [], clients: 1, TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Contains("only ever sent to loopback", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_is_bounded_in_time()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LoadGenerator.Start(new Uri("http://127.1.0.1/"), [], clients: 1, TimeSpan.FromMinutes(10), CancellationToken.None));
    }

    [Fact]
    public void The_validation_body_holds_every_validation_sample_as_one_fp32_batch()
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(ValidationCheck.Body(seed: 1))!["inputs"]![0]!;

        Assert.Equal("input", body["name"]!.GetValue<string>());
        Assert.Equal("FP32", body["datatype"]!.GetValue<string>());
        var shape = body["shape"]!.AsArray().Select(d => d!.GetValue<int>()).ToArray();
        Assert.Equal(2, shape[1]);
        Assert.Equal(shape[0] * 2, body["data"]!.AsArray().Count);
    }
}
