using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AiOperator.ModelServer.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiOperator.ModelServer.Tests.Hosting;

/// <summary>Loading: live at once, ready after warm-up; a failed load is live, not ready, with the reason everywhere the operator looks.</summary>
public sealed class ModelLifecycleTests
{
    // Plain http:// needs a sha256; these downloads fail before it is checked.
    private static readonly string AnySha = new('a', 64);

    private static async Task<JsonNode> WaitForFailure(RunningServer server)
    {
        JsonNode? body = null;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await server.Client.GetAsync("/v2/models/m/ready");
            body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
            return response.StatusCode == HttpStatusCode.ServiceUnavailable
                && body!["reason"]!.GetValue<string>().StartsWith("model failed to load", StringComparison.Ordinal);
        }, "model load failure", TimeSpan.FromSeconds(30));
        return body!;
    }

    private static async Task AssertFailedEverywhere(RunningServer server, string reasonPart)
    {
        var ready = await WaitForFailure(server);
        Assert.False(ready["ready"]!.GetValue<bool>());
        Assert.Contains(reasonPart, ready["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await server.Client.GetAsync("/v2/health/ready")).StatusCode);

        using var infer = await server.Client.PostAsync("/v2/models/m/infer", new StringContent("{}"));
        await ErrorAssert.IsErrorAsync(infer, HttpStatusCode.ServiceUnavailable, reasonPart);
        Assert.Equal("1", infer.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("aiop_model_load_failure{model=\"m\",version=\"1\",reason=\"", metrics, StringComparison.Ordinal);
        Assert.Contains("aiop_model_ready{model=\"m\",version=\"1\"} 0", metrics, StringComparison.Ordinal);
        Assert.Contains(reasonPart, await File.ReadAllTextAsync(server.Options.TerminationLogPath!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public async Task A_small_model_is_reloaded_with_one_intra_op_thread_unless_the_count_was_given(bool given, int expected)
    {
        // Fake time stands still, so every warm run reads as instant: the reload path runs on any machine
        // load (the threshold itself is IntraOpThreadChoiceTests' subject).
        await using var server = await RunningServer.StartAsync(
            RunningServer.For(TestModels.Mlp()) with { IntraOpThreads = 2, IntraOpThreadsGiven = given, ExecutionProvider = AiOperator.ModelServer.Configuration.ExecutionProviderKind.Cpu },
            time: new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        var model = server.Services.GetRequiredService<AiOperator.ModelServer.Hosting.ModelState>().Model!;
        Assert.Equal(expected, model.IntraOpThreads);

        // The served session is the one kept, not the one disposed.
        var data = string.Join(",", Enumerable.Repeat("0.5", 64));
        using var infer = await server.Client.PostAsync("/v2/models/m/infer", new StringContent($$"""{"inputs":[{"name":"x","shape":[1,64],"datatype":"FP32","data":[{{data}}]}]}"""));
        Assert.Equal(HttpStatusCode.OK, infer.StatusCode);
    }

    [Theory]
    [InlineData(false, 1, 1)]   // no batching: two runs at once, a core each
    [InlineData(false, 8, 2)]   // batching: one run at a time keeps both
    [InlineData(true, 1, 2)]
    public async Task A_large_model_run_twice_at_once_shares_the_cores_unless_the_count_was_given(bool given, int maxBatchSize, int expected)
    {
        // Every reading of the fake clock moves it 5 ms on, so every warm run reads as a large model's.
        await using var server = await RunningServer.StartAsync(
            RunningServer.For(TestModels.Mlp()) with
            {
                IntraOpThreads = 2, IntraOpThreadsGiven = given, MaxBatchSize = maxBatchSize,
                ExecutionProvider = AiOperator.ModelServer.Configuration.ExecutionProviderKind.Cpu,
            },
            time: new Microsoft.Extensions.Time.Testing.FakeTimeProvider { AutoAdvanceAmount = TimeSpan.FromMilliseconds(5) });
        var model = server.Services.GetRequiredService<AiOperator.ModelServer.Hosting.ModelState>().Model!;
        Assert.Equal(expected, model.IntraOpThreads);
    }

    [Fact]
    public async Task Sha256_mismatch_refuses_to_become_ready()
    {
        var model = TestModels.Fixed();
        await using var server = await RunningServer.StartAsync(RunningServer.For(model) with { Sha256 = new string('0', 64) }, waitReady: false);
        await AssertFailedEverywhere(server, "sha256 mismatch");
    }

    [Fact]
    public async Task Matching_sha256_and_file_uri_become_ready()
    {
        var model = TestModels.Fixed();
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(model)));
        await using var server = await RunningServer.StartAsync(RunningServer.For(new Uri(model).AbsoluteUri) with { Sha256 = sha });
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v2/models/m/ready")).StatusCode);
    }

    [Fact]
    public async Task Corrupt_model_file_is_not_ready_with_onnx_runtime_reason()
    {
        var path = Path.Combine(TestModels.Directory, "corrupt.onnx");
        await File.WriteAllBytesAsync(path, [1, 2, 3, 4, 5, 6, 7, 8]);
        await using var server = await RunningServer.StartAsync(RunningServer.For(path), waitReady: false);
        await AssertFailedEverywhere(server, "ONNX Runtime could not load the model");
    }

    [Fact]
    public async Task Missing_file_and_unknown_scheme_fail_with_clear_reasons()
    {
        await using (var missing = await RunningServer.StartAsync(RunningServer.For("/nonexistent/model.onnx"), waitReady: false))
        {
            await AssertFailedEverywhere(missing, "does not exist");
        }

        await using var scheme = await RunningServer.StartAsync(RunningServer.For("s3://bucket/model.onnx"), waitReady: false);
        await AssertFailedEverywhere(scheme, "is not supported");
    }

    [Fact]
    public async Task Http_model_is_downloaded_once_and_not_ready_until_then()
    {
        var bytes = await File.ReadAllBytesAsync(TestModels.Fixed());
        await using var origin = await LoopbackFileServer.StartAsync(bytes, hold: true);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await using var server = await RunningServer.StartAsync(RunningServer.For(origin.ModelUrl) with { Sha256 = sha }, waitReady: false);

        await Eventually.TrueAsync(() => origin.Requests == 1, "download to start", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/v2/health/live")).StatusCode);
        using (var ready = await server.Client.GetAsync("/v2/models/m/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("loading", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var infer = await server.Client.PostAsync("/v2/models/m/infer", new StringContent("{}")))
        {
            await ErrorAssert.IsErrorAsync(infer, HttpStatusCode.ServiceUnavailable, "loading");
            Assert.NotNull(infer.Headers.RetryAfter);
        }

        origin.Release.SetResult();
        await Eventually.TrueAsync(async () => (await server.Client.GetAsync("/v2/models/m/ready")).IsSuccessStatusCode, "ready", TimeSpan.FromSeconds(30));
        var input = TestTensor.Random("x", "FP32", [2, 4], 3);
        ReferenceRuntime.Run(TestModels.Fixed(), [input])[0].AssertEqual((await OipClient.InferAsync(server.Client, "m", [input])).Single());
        Assert.Equal(1, origin.Requests);
    }

    [Fact]
    public async Task Http_download_over_the_size_cap_fails_without_leaking_the_query_string()
    {
        var bytes = await File.ReadAllBytesAsync(TestModels.Mlp());
        await using var declared = await LoopbackFileServer.StartAsync(bytes);
        await using (var server = await RunningServer.StartAsync(RunningServer.For(declared.ModelUrl) with { MaxModelBytes = 1000, Sha256 = AnySha }, waitReady: false))
        {
            await AssertFailedEverywhere(server, "over the limit of 1000");
            var reason = (await WaitForFailure(server))["reason"]!.GetValue<string>();
            Assert.DoesNotContain("secret-value", reason, StringComparison.Ordinal);
        }

        await using var chunked = await LoopbackFileServer.StartAsync(bytes, declareLength: false);
        await using var streamed = await RunningServer.StartAsync(RunningServer.For(chunked.ModelUrl) with { MaxModelBytes = 1000, Sha256 = AnySha }, waitReady: false);
        await AssertFailedEverywhere(streamed, "over the limit of 1000 bytes");
    }

    [Fact]
    public async Task Http_error_status_is_a_load_failure()
    {
        await using var origin = await LoopbackFileServer.StartAsync([]);
        var url = new Uri(origin.BaseAddress, "/missing.onnx").ToString();
        await using var server = await RunningServer.StartAsync(RunningServer.For(url) with { Sha256 = AnySha }, waitReady: false);
        await AssertFailedEverywhere(server, "HTTP 404");
    }

    [Fact]
    public async Task Plain_http_without_sha256_is_a_load_failure()
    {
        await using var origin = await LoopbackFileServer.StartAsync(await File.ReadAllBytesAsync(TestModels.Fixed()));
        await using var server = await RunningServer.StartAsync(RunningServer.For(origin.ModelUrl), waitReady: false);
        await AssertFailedEverywhere(server, "plain http://");
        Assert.Equal(0, origin.Requests);
    }

    [Fact]
    public async Task Cuda_requested_without_cuda_is_a_load_failure_naming_the_missing_libraries()
    {
        // An explicit CUDA request never silently runs on CPU: without CUDA 13 (as on CI) it is a load failure.
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.Fixed()) with
        {
            ExecutionProvider = AiOperator.ModelServer.Configuration.ExecutionProviderKind.Cuda,
        }, waitReady: false);
        if (System.Runtime.InteropServices.NativeLibrary.TryLoad("libcudart.so.13", out _))
        {
            await Eventually.TrueAsync(async () => (await server.Client.GetAsync("/v2/models/m/ready")).IsSuccessStatusCode, "ready on CUDA", TimeSpan.FromSeconds(60));
            Assert.Contains("\"execution_provider\":\"CUDA\"", await server.Client.GetStringAsync("/v2/models/m"), StringComparison.Ordinal);
            return;
        }

        await AssertFailedEverywhere(server, "execution provider CUDA could not be used");
        Assert.Contains("not loadable: libcudart.so.13", (await WaitForFailure(server))["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Full_queue_is_503_with_retry_after()
    {
        // A request at a free slot runs at once, so the slot is held by a long run (8,192 rows through
        // 8 MB of weights: seconds); the next request queues, and the one after finds the queue full.
        var model = TestModels.Mlp(inputs: 512, hidden: 4096, outputs: 16);
        await using var server = await RunningServer.StartAsync(RunningServer.For(model) with
        {
            MaxQueueSize = 1, MaxBatchSize = 64, MaxQueueDelayMicroseconds = 0,
        });
        var blocker = OipClient.InferAsync(server.Client, "m", [TestTensor.Random("x", "FP32", [8192, 512], 9)], binaryInputs: true, binaryOutputs: true);
        // Warm-up bypasses the scheduler: the busy ratio turns positive when the long run starts.
        await Eventually.TrueAsync(async () => PrometheusText.Value(await PrometheusText.ScrapeAsync(server.Client), "aiop_busy_ratio") > 0,
            "long request running", TimeSpan.FromSeconds(30));
        var input = TestTensor.Random("x", "FP32", [1, 512], 1);
        var first = OipClient.InferAsync(server.Client, "m", [input]);
        await Eventually.TrueAsync(async () => PrometheusText.Value(await PrometheusText.ScrapeAsync(server.Client), "nv_inference_pending_request_count") == 1,
            "second request queued", TimeSpan.FromSeconds(10));
        // The autoscaler's concurrency signal counts the queued request as in flight.
        Assert.Equal(2, PrometheusText.Value(await PrometheusText.ScrapeAsync(server.Client), "aiop_inflight_requests"));
        using var second = await server.Client.PostAsync("/v2/models/m/infer", OipClient.Request([input], false, false));
        await ErrorAssert.IsErrorAsync(second, HttpStatusCode.ServiceUnavailable, "queue is full");
        Assert.NotNull(second.Headers.RetryAfter);
        ReferenceRuntime.Run(model, [input])[0].AssertEqual((await first).Single());
        var blocked = (await blocker).Single();
        Assert.Equal(new long[] { 8192, 16 }, blocked.Shape);
    }
}
