using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AiOperator.ModelServer.Tests.Support;
using Xunit;

namespace AiOperator.ModelServer.Tests.Hosting;

/// <summary>Thousands of randomly broken requests: every answer is a 4xx JSON error and the server stays up.</summary>
public sealed class MalformedRequestFuzzTests
{
    private const int Requests = 3000;
    private static readonly char[] Structural = ['{', '}', '[', ']', ':', ',', '"', 'x', '\\', '#'];

    [Fact]
    public async Task Random_malformed_requests_get_4xx_json_errors_and_the_server_stays_up()
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.MultiIo()) with { MaxRequestBytes = 256 * 1024 });
        var valid = Valid();
        var failures = new List<string>();
        var seeds = Enumerable.Range(0, Requests).ToList();
        await Parallel.ForEachAsync(seeds, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (seed, ct) =>
        {
            var random = new Random(seed);
            var (content, kind) = Mutate(valid, random);
            using var response = await server.Client.PostAsync("/v2/models/m/infer", content, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var code = (int)response.StatusCode;
            var isJsonError = response.Content.Headers.ContentType?.MediaType == "application/json"
                && JsonNode.Parse(body)?["error"]?.GetValue<string>() is { Length: > 0 };
            if (code is < 400 or >= 500 || !isJsonError)
            {
                lock (failures)
                {
                    failures.Add($"seed {seed} ({kind}): {code} {body[..Math.Min(200, body.Length)]}");
                }
            }
        });

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        Assert.True((await server.Client.GetAsync("/v2/health/ready")).IsSuccessStatusCode);
        var inputs = Inputs();
        var after = await OipClient.InferAsync(server.Client, "m", inputs);
        ReferenceRuntime.Run(TestModels.MultiIo(), inputs)[0].AssertEqual(after[0]);
        // A request leaves the in-flight gauge before it is counted, so once all are counted none may be in flight.
        var metrics = await PrometheusText.ScrapeWhenAsync(server.Client,
            m => PrometheusText.Value(m, "nv_inference_request_failure") >= Requests && PrometheusText.Value(m, "nv_inference_request_success") >= 1,
            "every request counted as finished");
        Assert.Equal(Requests, PrometheusText.Value(metrics, "nv_inference_request_failure"));
        Assert.Equal(0, PrometheusText.Value(metrics, "aiop_inflight_requests"));
    }

    [Fact]
    public async Task Variable_size_and_bytes_inputs_with_lying_shapes_and_sizes_get_4xx_without_large_allocations()
    {
        const int count = 1500;
        var model = TestModels.VariableSize();
        await using var server = await RunningServer.StartAsync(RunningServer.For(model) with { MaxRequestBytes = 256 * 1024 });
        var failures = new List<string>();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (seed, ct) =>
        {
            var (content, kind) = VariableMutation(new Random(seed));
            using var response = await server.Client.PostAsync("/v2/models/m/infer", content, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var code = (int)response.StatusCode;
            var isJsonError = response.Content.Headers.ContentType?.MediaType == "application/json"
                && JsonNode.Parse(body)?["error"]?.GetValue<string>() is { Length: > 0 };
            if (code is < 400 or >= 500 || !isJsonError)
            {
                lock (failures)
                {
                    failures.Add($"seed {seed} ({kind}): {code} {body[..Math.Min(200, body.Length)]}");
                }
            }
        });
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        // Every request is under 256 KiB; shapes that declare gigabytes must not be allocated. The bound
        // leaves room for the other tests running in this process meanwhile.
        Assert.True(allocated < 3L * 1024 * 1024 * 1024, $"{allocated} bytes allocated for {count} small requests");
        var s = new TestTensor("s", "BYTES", [2, 2], [], ["a", "", "ccc", "\u00e9"]);
        var v = TestTensor.Random("v", "FP32", [1, 5], 4);
        var after = await OipClient.InferAsync(server.Client, "m", [s, v], binaryInputs: true, binaryOutputs: true);
        var expected = ReferenceRuntime.Run(model, [s, v]);
        expected[0].AssertEqual(after[0]);
        expected[1].AssertEqual(after[1]);
        var metrics = await PrometheusText.ScrapeWhenAsync(server.Client, m => PrometheusText.Value(m, "nv_inference_request_failure") >= count,
            "every request counted as finished");
        Assert.Equal(count, PrometheusText.Value(metrics, "nv_inference_request_failure"));
    }

    /// <summary>A request whose declared shapes never match the data it carries (or whose data is broken).</summary>
    private static (HttpContent Content, string Kind) VariableMutation(Random random)
    {
        // Dimensions up to 2^31 each: products from tiny to far past int.MaxValue.
        long Dim() => random.Next(4) switch
        {
            0 => random.Next(0, 4),
            1 => random.Next(4, 1000),
            2 => random.Next(1000, 1 << 20),
            _ => random.NextInt64(1 << 20, 1L << 31),
        };

        var strings = Enumerable.Range(0, random.Next(0, 6)).Select(i => new string('x', random.Next(0, 5))).ToArray();
        var s0 = Dim();
        var s1 = Dim();
        if (s0 * s1 == strings.Length)
        {
            (s0, s1) = (strings.Length + 1, 1);
        }

        var v = Enumerable.Range(0, random.Next(0, 6)).Select(_ => (float)random.NextDouble()).ToArray();
        var v0 = Dim();
        var v1 = Dim();
        if (v0 * v1 == v.Length)
        {
            (v0, v1) = (v.Length + 1, 1);
        }

        // Which input lies; the other is valid.
        var bytesLie = random.Next(2) == 0;
        var stringInput = bytesLie ? (Shape: new[] { s0, s1 }, Data: strings) : (Shape: new long[] { 1, strings.Length }, Data: strings);
        var floatInput = bytesLie ? (Shape: new long[] { 1, v.Length }, Data: v) : (Shape: new[] { v0, v1 }, Data: v);
        var binary = random.Next(2) == 0;
        if (!binary)
        {
            var json = new JsonObject
            {
                ["inputs"] = new JsonArray(
                    new JsonObject { ["name"] = "s", ["datatype"] = "BYTES", ["shape"] = Shape(stringInput.Shape), ["data"] = new JsonArray(stringInput.Data.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()) },
                    new JsonObject { ["name"] = "v", ["datatype"] = "FP32", ["shape"] = Shape(floatInput.Shape), ["data"] = new JsonArray(floatInput.Data.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()) }),
            };
            return (Json(json.ToJsonString()), bytesLie ? "json bytes shape" : "json fp32 shape");
        }

        var encoded = new MemoryStream();
        foreach (var x in stringInput.Data)
        {
            var b = Encoding.UTF8.GetBytes(x);
            encoded.Write(BitConverter.GetBytes(b.Length));
            encoded.Write(b);
        }

        var sBytes = encoded.ToArray();
        var kind = bytesLie ? "binary bytes shape" : "binary fp32 shape";
        if (random.Next(3) == 0 && sBytes.Length >= 4)
        {
            // A corrupt length prefix: claims more than is there (the shape may even be right).
            BitConverter.GetBytes(random.Next(sBytes.Length, int.MaxValue)).CopyTo(sBytes, 0);
            stringInput = (new long[] { 1, strings.Length }, strings);
            floatInput = (new long[] { 1, v.Length }, v);
            kind = "binary bytes prefix";
        }

        var vBytes = v.SelectMany(BitConverter.GetBytes).ToArray();
        var header = new JsonObject
        {
            ["inputs"] = new JsonArray(
                new JsonObject { ["name"] = "s", ["datatype"] = "BYTES", ["shape"] = Shape(stringInput.Shape), ["parameters"] = new JsonObject { ["binary_data_size"] = sBytes.Length } },
                new JsonObject { ["name"] = "v", ["datatype"] = "FP32", ["shape"] = Shape(floatInput.Shape), ["parameters"] = new JsonObject { ["binary_data_size"] = vBytes.Length } }),
        };
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        var content = new ByteArrayContent([.. headerBytes, .. sBytes, .. vBytes]);
        content.Headers.Add("Inference-Header-Content-Length", headerBytes.Length.ToString(CultureInfo.InvariantCulture));
        return (content, kind);
    }

    private static JsonArray Shape(long[] dims) => new(dims.Select(d => (JsonNode)JsonValue.Create(d)).ToArray());

    private static TestTensor[] Inputs() =>
        [TestTensor.Random("a", "FP32", [2, 4], 1), TestTensor.Random("b", "FP32", [2, 4], 2), TestTensor.Random("c", "INT64", [2, 2], 3)];

    private static string Valid()
    {
        using var content = OipClient.Request(Inputs(), binaryInputs: false, binaryOutputs: false);
        return content.ReadAsStringAsync().GetAwaiter().GetResult();
    }

    private static (HttpContent Content, string Kind) Mutate(string valid, Random random)
    {
        switch (random.Next(9))
        {
            case 0:
                return (Json(valid[..random.Next(valid.Length)]), "truncated");
            case 1:
            {
                var at = random.Next(1, valid.Length - 1);
                return (Json(valid[..at] + Structural[random.Next(Structural.Length)] + valid[at..]), "inserted");
            }

            case 2:
            {
                var bytes = new byte[random.Next(1, 2000)];
                random.NextBytes(bytes);
                return (new ByteArrayContent(bytes), "random bytes");
            }

            case 3:
                return (Json(new string('[', random.Next(50, 3000)) + new string(']', random.Next(0, 50))), "deep");
            case 4:
            {
                var root = JsonNode.Parse(valid)!;
                var input = root["inputs"]![random.Next(3)]!;
                var field = new[] { "name", "shape", "datatype", "data" }[random.Next(4)];
                input[field] = WrongValue(field, random);
                return (Json(root.ToJsonString()), $"wrong {field}");
            }

            case 5:
            {
                var root = JsonNode.Parse(valid)!;
                var input = root["inputs"]![random.Next(3)]!;
                var shape = input["shape"]!.AsArray();
                var index = random.Next(shape.Count);
                var original = shape[index]!.GetValue<long>();
                shape[index] = random.Next(3) switch
                {
                    0 => -random.Next(1, 1000),
                    1 => (long)random.Next(3, 1 << 30) * random.Next(3, 1 << 30),
                    _ => original + random.Next(1, 50),
                };
                return (Json(root.ToJsonString()), "shape");
            }

            case 6:
            {
                var root = JsonNode.Parse(valid)!;
                root["inputs"]!.AsArray().RemoveAt(random.Next(3));
                if (random.Next(2) == 0)
                {
                    root["outputs"] = new JsonArray(new JsonObject { ["name"] = "o" + random.Next(100) });
                    root["inputs"]!.AsArray().Add(JsonNode.Parse(valid)!["inputs"]![0]!.DeepClone());
                }

                return (Json(root.ToJsonString()), "inputs");
            }

            case 7:
            {
                // Binary extension with a wrong size or header length.
                var root = JsonNode.Parse(valid)!;
                var input = root["inputs"]![0]!.AsObject();
                input.Remove("data");
                var correct = 32;
                var size = random.Next(0, 64);
                if (size == correct)
                {
                    size++;
                }

                input["parameters"] = new JsonObject { ["binary_data_size"] = size };
                var json = Encoding.UTF8.GetBytes(root.ToJsonString());
                var binary = new byte[random.Next(0, 80)];
                random.NextBytes(binary);
                var content = new ByteArrayContent([.. json, .. binary]);
                var header = random.Next(3) == 0 ? random.Next(-5, json.Length + binary.Length + 10) : json.Length;
                content.Headers.Add("Inference-Header-Content-Length", header.ToString(CultureInfo.InvariantCulture));
                return (content, "binary");
            }

            default:
            {
                var root = JsonNode.Parse(valid)!;
                // Each replacement has a type the protocol does not allow for that member.
                var key = new[] { "inputs", "id", "parameters", "outputs" }[random.Next(4)];
                root[key] = (key, random.Next(3)) switch
                {
                    ("inputs", 0) => new JsonObject(),
                    ("inputs", 1) => JsonValue.Create("inputs"),
                    ("id", 0) => JsonValue.Create(random.Next()),
                    ("id", 1) => new JsonArray(),
                    ("parameters", 0) => JsonValue.Create("binary_data_output"),
                    ("parameters", 1) => new JsonObject { ["binary_data_output"] = random.Next() },
                    ("outputs", 0) => new JsonObject(),
                    ("outputs", 1) => new JsonArray(JsonValue.Create(random.Next())),
                    _ => null,
                };

                return (Json(root.ToJsonString()), $"top-level {key}");
            }
        }
    }

    private static JsonNode? WrongValue(string field, Random random) => (field, random.Next(3)) switch
    {
        ("name", 0) => JsonValue.Create(42),
        ("name", _) => JsonValue.Create("no_such_" + random.Next(1000)),
        ("shape", 0) => JsonValue.Create("2,4"),
        ("shape", 1) => new JsonArray(1.5, 4),
        ("shape", _) => new JsonArray(),
        ("datatype", 0) => JsonValue.Create("FP8"),
        ("datatype", 1) => JsonValue.Create(random.Next(2) == 0 ? "FP64" : "INT32"),
        ("datatype", _) => null,
        ("data", 0) => JsonValue.Create("1,2,3"),
        ("data", 1) => new JsonArray(Enumerable.Range(0, random.Next(0, 4)).Select(i => (JsonNode)JsonValue.Create(i)).ToArray()),
        _ => new JsonArray(new JsonObject(), JsonValue.Create(true)),
    };

    private static StringContent Json(string s) => new(s, Encoding.UTF8, "application/json");
}
