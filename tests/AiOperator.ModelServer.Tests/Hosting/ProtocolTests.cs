using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AiOperator.ModelServer.Tests.Support;
using Xunit;

namespace AiOperator.ModelServer.Tests.Hosting;

/// <summary>OIP v2 behaviour that KServe and Triton clients rely on: metadata, health, ids, output subsets, nested data.</summary>
public sealed class ProtocolTests : IAsyncLifetime
{
    private RunningServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await RunningServer.StartAsync(RunningServer.For(TestModels.MultiIo(), "multi") with { ModelVersion = "3" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<JsonNode> GetJson(string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var response = await _server.Client.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task Server_metadata_advertises_the_binary_extension()
    {
        var meta = await GetJson("/v2");
        Assert.Equal("aiop-model-server", meta["name"]!.GetValue<string>());
        Assert.Contains("binary_tensor_data", meta["extensions"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.True((await GetJson("/v2/health/live"))["live"]!.GetValue<bool>());
        Assert.True((await GetJson("/v2/health/ready"))["ready"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Model_metadata_has_platform_dynamic_dims_and_provider()
    {
        foreach (var path in new[] { "/v2/models/multi", "/v2/models/multi/versions/3" })
        {
            var meta = await GetJson(path);
            Assert.Equal("multi", meta["name"]!.GetValue<string>());
            Assert.Equal(["3"], meta["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
            Assert.Equal("onnx_onnxv1", meta["platform"]!.GetValue<string>());
            var inputs = meta["inputs"]!.AsArray();
            Assert.Equal(["a", "b", "c"], inputs.Select(i => i!["name"]!.GetValue<string>()));
            Assert.Equal([-1L, 4L], inputs[0]!["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
            Assert.Equal("INT64", inputs[2]!["datatype"]!.GetValue<string>());
            var outputs = meta["outputs"]!.AsArray();
            Assert.Equal("FP64", outputs.Single(o => o!["name"]!.GetValue<string>() == "a_double")!["datatype"]!.GetValue<string>());
            Assert.Equal("CPU", meta["parameters"]!["execution_provider"]!.GetValue<string>());
        }

        Assert.True((await GetJson("/v2/models/multi/ready"))["ready"]!.GetValue<bool>());
        Assert.True((await GetJson("/v2/models/multi/versions/3/ready"))["ready"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Id_is_echoed_outputs_subset_and_order_kept_multi_io_matches_reference()
    {
        var inputs = new[]
        {
            TestTensor.Random("a", "FP32", [3, 4], 1), TestTensor.Random("b", "FP32", [3, 4], 2), TestTensor.Random("c", "INT64", [3, 2], 3),
        };
        var wanted = new[] { "a_double", "c_twice" };
        var expected = ReferenceRuntime.Run(TestModels.MultiIo(), inputs, wanted);
        using var response = await _server.Client.PostAsync("/v2/models/multi/versions/3/infer",
            OipClient.Request(inputs, binaryInputs: true, binaryOutputs: false, id: "req-42", outputs: wanted));
        var (header, outputs) = await OipClient.ReadAsync(response);
        Assert.Equal("req-42", header["id"]!.GetValue<string>());
        Assert.Equal("multi", header["model_name"]!.GetValue<string>());
        Assert.Equal("3", header["model_version"]!.GetValue<string>());
        Assert.Equal(2, outputs.Count);
        for (var i = 0; i < 2; i++)
        {
            expected[i].AssertEqual(outputs[i]);
        }

        var all = await OipClient.InferAsync(_server.Client, "multi", inputs, binaryOutputs: true);
        var allExpected = ReferenceRuntime.Run(TestModels.MultiIo(), inputs);
        Assert.Equal(4, all.Count);
        for (var i = 0; i < 4; i++)
        {
            allExpected[i].AssertEqual(all[i]);
        }
    }

    [Fact]
    public async Task Nested_data_parameters_and_mixed_binary_outputs_are_accepted()
    {
        const string json = """
            {"id":"n","parameters":{"priority":1,"custom":"x"},
             "inputs":[
              {"name":"a","shape":[2,4],"datatype":"FP32","data":[[1,2,3,4],[5,6,7,8]],"parameters":{"note":"nested"}},
              {"name":"b","shape":[2,4],"datatype":"FP32","data":[[[1,1]],[[1,1]],[[1,1]],[[1,1]]]},
              {"name":"c","shape":[2,2],"datatype":"INT64","data":[1,2,3,4]}],
             "outputs":[{"name":"sum"},{"name":"c_twice","parameters":{"binary_data":true}}]}
            """;
        using var response = await _server.Client.PostAsync("/v2/models/multi/infer", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var (_, outputs) = await OipClient.ReadAsync(response);
        Assert.Equal([2L, 4L], outputs[0].Shape);
        Assert.Equal(new float[] { 2, 3, 4, 5, 6, 7, 8, 9 }, Enumerable.Range(0, 8).Select(i => BitConverter.ToSingle(outputs[0].Raw, i * 4)));
        Assert.Equal(new long[] { 2, 4, 6, 8 }, Enumerable.Range(0, 4).Select(i => BitConverter.ToInt64(outputs[1].Raw, i * 8)));
    }

    [Fact]
    public async Task Non_finite_floats_travel_as_strings()
    {
        const string json = """
            {"inputs":[
              {"name":"a","shape":[1,4],"datatype":"FP32","data":["NaN","Infinity","-Infinity",1.5]},
              {"name":"b","shape":[1,4],"datatype":"FP32","data":[0,0,0,0]},
              {"name":"c","shape":[1,2],"datatype":"INT64","data":[9223372036854775807,-9223372036854775808]}],
             "outputs":[{"name":"a_double"},{"name":"c_twice"}]}
            """;
        using var response = await _server.Client.PostAsync("/v2/models/multi/infer", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""["NaN","Infinity","-Infinity",1.5]""", body["outputs"]![0]!["data"]!.ToJsonString());
        Assert.Equal("""[-2,0]""", body["outputs"]![1]!["data"]!.ToJsonString());
    }
}
