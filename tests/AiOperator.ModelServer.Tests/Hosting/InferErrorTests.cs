using System.Net;
using System.Text;
using AiOperator.ModelServer.Tests.Support;
using Xunit;

namespace AiOperator.ModelServer.Tests.Hosting;

/// <summary>Each bad request gets Triton's status code and an error naming the request part at fault.</summary>
public sealed class InferErrorTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await RunningServer.StartAsync(RunningServer.For(TestModels.MultiIo()) with { MaxRequestBytes = 64 * 1024 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<HttpResponseMessage> Post(string json, string model = "m") =>
        _server.Client.PostAsync($"/v2/models/{model}/infer", new StringContent(json, Encoding.UTF8, "application/json"));

    private const string C = """{"name":"c","shape":[1,2],"datatype":"INT64","data":[1,2]}""";
    private const string B = """{"name":"b","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}""";

    [Theory]
    [InlineData("""{"name":"a","shape":[1,4],"datatype":"FP32","data":[1,2,3]}""", "needs 4 elements, but 'data' has 3")]
    [InlineData("""{"name":"a","shape":[2,4],"datatype":"FP32","data":[1,2,3,4]}""", "needs 8 elements")]
    [InlineData("""{"name":"a","shape":[1,5],"datatype":"FP32","data":[1,2,3,4,5]}""", "shape[1] is 5, but the model expects 4")]
    [InlineData("""{"name":"a","shape":[4],"datatype":"FP32","data":[1,2,3,4]}""", "shape has 1 dimensions, but the model expects 2")]
    [InlineData("""{"name":"a","shape":[1,4],"datatype":"FP64","data":[1,2,3,4]}""", "data-type is 'FP64', but model 'm' expects 'FP32'")]
    [InlineData("""{"name":"a","shape":[1,4],"datatype":"FLOAT","data":[1,2,3,4]}""", "unknown datatype 'FLOAT'")]
    [InlineData("""{"name":"a","shape":[1,4],"datatype":"FP32","data":[1,2,"x",4]}""", "element 2 is not a valid FP32 value")]
    [InlineData("""{"name":"a","shape":[1,4],"datatype":"FP32","data":[1,2,3,1e39]}""", "element 3 is not a valid FP32 value")]
    [InlineData("""{"name":"a","shape":[-1,4],"datatype":"FP32","data":[1,2,3,4]}""", "shape[0] must be a non-negative integer")]
    [InlineData("""{"name":"a","shape":[4611686018427387904,4],"datatype":"FP32","data":[1]}""", "overflows")]
    [InlineData("""{"name":"a","shape":[1,4],"datatype":"FP32"}""", "neither 'data' nor parameters.binary_data_size")]
    public async Task Bad_input_a_is_400_naming_it(string a, string expected)
    {
        using var response = await Post($$"""{"inputs":[{{a}},{{B}},{{C}}]}""");
        var error = await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, expected);
        Assert.Contains("'a'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_input_is_400()
    {
        using var response = await Post($$"""{"inputs":[{"name":"zz","shape":[1],"datatype":"FP32","data":[1]},{{B}},{{C}}]}""");
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "unexpected inference input 'zz'");
    }

    [Fact]
    public async Task Missing_input_is_400()
    {
        using var response = await Post($$"""{"inputs":[{{B}},{{C}}]}""");
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "expected input 'a'");
    }

    [Fact]
    public async Task Unknown_output_is_400()
    {
        using var response = await Post($$"""{"inputs":[{{B.Replace("\"b\"", "\"a\"")}},{{B}},{{C}}],"outputs":[{"name":"nope"}]}""");
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "unexpected inference output 'nope'");
    }

    [Fact]
    public async Task Json_too_deep_is_400()
    {
        var deep = new string('[', 5000) + new string(']', 5000);
        using var response = await Post($$"""{"inputs":[{"name":"a","shape":[1,4],"datatype":"FP32","data":{{deep}}}]}""");
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "not valid JSON");
    }

    [Fact]
    public async Task Malformed_json_is_400()
    {
        using var response = await Post("""{"inputs":[""");
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "not valid JSON");
    }

    [Fact]
    public async Task Unknown_model_and_version_are_404()
    {
        using var model = await Post("{}", "other");
        await ErrorAssert.IsErrorAsync(model, HttpStatusCode.NotFound, "unknown model: 'other'");
        using var version = await _server.Client.PostAsync("/v2/models/m/versions/7/infer", new StringContent("{}"));
        await ErrorAssert.IsErrorAsync(version, HttpStatusCode.NotFound, "version 7");
        using var metadata = await _server.Client.GetAsync("/v2/models/m/versions/7");
        await ErrorAssert.IsErrorAsync(metadata, HttpStatusCode.NotFound);
        using var ready = await _server.Client.GetAsync("/v2/models/other/ready");
        await ErrorAssert.IsErrorAsync(ready, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Body_over_the_limit_is_413_declared_or_chunked()
    {
        var big = new string(' ', 70 * 1024);
        using var declared = await Post(big);
        await ErrorAssert.IsErrorAsync(declared, HttpStatusCode.RequestEntityTooLarge, "limit of 65536 bytes");

        using var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big)));
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/models/m/infer") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _server.Client.SendAsync(request);
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Binary_section_errors_are_400()
    {
        async Task<HttpResponseMessage> Send(string json, byte[] binary, string? headerLength = null)
        {
            var jsonBytes = Encoding.UTF8.GetBytes(json);
            var content = new ByteArrayContent([.. jsonBytes, .. binary]);
            content.Headers.Add("Inference-Header-Content-Length", headerLength ?? jsonBytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return await _server.Client.PostAsync("/v2/models/m/infer", content);
        }

        var a = """{"name":"a","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":16}}""";
        using var short1 = await Send($$"""{"inputs":[{{a}},{{B}},{{C}}]}""", new byte[8]);
        await ErrorAssert.IsErrorAsync(short1, HttpStatusCode.BadRequest, "past the end of the binary section");

        using var extra = await Send($$"""{"inputs":[{{a}},{{B}},{{C}}]}""", new byte[20]);
        await ErrorAssert.IsErrorAsync(extra, HttpStatusCode.BadRequest, "4 bytes that no input claims");

        var wrongSize = """{"name":"a","shape":[1,4],"datatype":"FP32","parameters":{"binary_data_size":12}}""";
        using var mismatch = await Send($$"""{"inputs":[{{wrongSize}},{{B}},{{C}}]}""", new byte[12]);
        await ErrorAssert.IsErrorAsync(mismatch, HttpStatusCode.BadRequest, "needs 16 bytes of FP32, but binary_data_size is 12");

        using var badHeader = await Send($$"""{"inputs":[{{a}},{{B}},{{C}}]}""", new byte[16], "999999");
        await ErrorAssert.IsErrorAsync(badHeader, HttpStatusCode.BadRequest, "Inference-Header-Content-Length");
    }

    [Fact]
    public async Task Wrong_method_and_unknown_route_are_json_errors()
    {
        using var get = await _server.Client.GetAsync("/v2/models/m/infer");
        await ErrorAssert.IsErrorAsync(get, HttpStatusCode.MethodNotAllowed, "method GET is not allowed on /v2/models/m/infer");
        using var missing = await _server.Client.GetAsync("/v3/nothing");
        await ErrorAssert.IsErrorAsync(missing, HttpStatusCode.NotFound, "no route for GET /v3/nothing");
    }

    [Fact]
    public async Task Failure_inside_the_model_run_is_500_and_the_server_stays_up()
    {
        // Reshape to [1, 3] works for the warm-up's batch of 1 and fails inside ONNX Runtime for a batch of 2.
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.ReshapeTo(1, 3)));
        using var failing = await server.Client.PostAsync("/v2/models/m/infer",
            OipClient.Request([TestTensor.Random("x", "FP32", [2, 3], 1)], binaryInputs: false, binaryOutputs: false));
        await ErrorAssert.IsErrorAsync(failing, HttpStatusCode.InternalServerError, "Reshape");

        var ok = TestTensor.Random("x", "FP32", [1, 3], 2);
        ReferenceRuntime.Run(TestModels.ReshapeTo(1, 3), [ok])[0].AssertEqual((await OipClient.InferAsync(server.Client, "m", [ok])).Single());
        var metrics = await PrometheusText.ScrapeWhenAsync(server.Client,
            m => PrometheusText.Value(m, "nv_inference_request_failure") >= 1 && PrometheusText.Value(m, "nv_inference_request_success") >= 1,
            "both requests counted as finished");
        Assert.Equal(1, PrometheusText.Value(metrics, "nv_inference_request_failure"));
        Assert.Equal(1, PrometheusText.Value(metrics, "nv_inference_request_success"));
    }

    [Fact]
    public async Task Model_that_divides_by_its_input_is_served_although_its_warm_up_on_zeros_fails()
    {
        var model = TestModels.DivideByInput();
        await using var server = await RunningServer.StartAsync(RunningServer.For(model) with { MaxBatchSize = 1 });
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v2/models/m/ready")).StatusCode);
        var metrics = await PrometheusText.ScrapeAsync(server.Client);
        Assert.Equal(1, PrometheusText.Value(metrics, "aiop_model_warmup_failures_total"));
        Assert.Equal(1, PrometheusText.Value(metrics, "aiop_model_ready"));

        var x = TestTensor.FromJson("x", "INT32", [2, 3], new System.Text.Json.Nodes.JsonArray(2, 3, 4, 5, 7, 1));
        var outputs = await OipClient.InferAsync(server.Client, "m", [x]);
        Assert.Equal(new[] { 6, 4, 3, 2, 1, 12 }, Ints(outputs[0]));
        Assert.Equal(new[] { 0, 0, 0, 2, 5, 0 }, Ints(outputs[1]));
    }

    [Fact]
    public async Task Model_that_parses_its_strings_is_served_although_its_warm_up_on_empty_strings_fails()
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.ParseNumbers()));
        Assert.Equal(1, PrometheusText.Value(await PrometheusText.ScrapeAsync(server.Client), "aiop_model_warmup_failures_total"));
        var s = TestTensor.FromJson("s", "BYTES", [1, 2], new System.Text.Json.Nodes.JsonArray("1.5", "-2"));
        var y = (await OipClient.InferAsync(server.Client, "m", [s])).Single();
        Assert.Equal(new[] { 1.5f, -2f }, y.Raw.Chunk(4).Select(b => BitConverter.ToSingle(b)).ToArray());
    }

    private static int[] Ints(TestTensor t) => t.Raw.Chunk(4).Select(b => BitConverter.ToInt32(b)).ToArray();
}
