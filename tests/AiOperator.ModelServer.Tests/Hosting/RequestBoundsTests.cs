using System.Net;
using System.Text;
using AiOperator.ModelServer.Tests.Support;
using Xunit;

namespace AiOperator.ModelServer.Tests.Hosting;

/// <summary>Small requests must not buy large allocations, and reading/parsing is bounded before the queue.</summary>
public sealed class RequestBoundsTests
{
    /// <summary>A body that sends its first bytes and then holds the connection open until released.</summary>
    private sealed class StalledContent(byte[] head, byte[] tail) : HttpContent
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(head);
            await stream.FlushAsync();
            await Release.Task;
            await stream.WriteAsync(tail);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = head.Length + tail.Length;
            return true;
        }
    }

    [Fact]
    public async Task When_every_read_place_is_taken_a_request_gets_503_with_retry_after_and_the_reader_still_completes()
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.Mlp()) with { MaxConcurrentReads = 1 });
        var input = TestTensor.Random("x", "FP32", [1, 64], 1);
        using var whole = OipClient.Request([input], binaryInputs: false, binaryOutputs: false);
        var bytes = await whole.ReadAsByteArrayAsync();
        var stalled = new StalledContent(bytes[..10], bytes[10..]);
        stalled.Headers.ContentType = new("application/json");
        var slow = server.Client.PostAsync("/v2/models/m/infer", stalled);

        // Kestrel drops a body that comes slower than 240 B/s once its 5 s grace is over, which frees the
        // place: so wait until the stalled request is in (it counts as in flight before it takes the place),
        // then ask at once. Until it holds the only place others may get through; then they are refused.
        await Eventually.TrueAsync(async () => PrometheusText.Value(await PrometheusText.ScrapeAsync(server.Client), "aiop_inflight_requests") >= 1,
            "the stalled request in flight", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(5));
        HttpResponseMessage? refused = null;
        await Eventually.TrueAsync(async () =>
        {
            var r = await server.Client.PostAsync("/v2/models/m/infer", OipClient.Request([input], false, false));
            if (r.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                refused = r;
                return true;
            }

            r.Dispose();
            return false;
        }, "a request refused while another is being read", TimeSpan.FromSeconds(20));
        await ErrorAssert.IsErrorAsync(refused!, HttpStatusCode.ServiceUnavailable, "too many requests are being read (1)");
        Assert.NotNull(refused!.Headers.RetryAfter);
        refused.Dispose();

        stalled.Release.SetResult();
        using var slowResponse = await slow;
        Assert.Equal(HttpStatusCode.OK, slowResponse.StatusCode);
        using var after = await server.Client.PostAsync("/v2/models/m/infer", OipClient.Request([input], false, false));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_bytes_input_whose_shape_outgrows_its_data_is_400_before_any_allocation()
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.Identity("BYTES", OnnxType.String)));
        // 300 million declared elements (2.4 GB of array slots) carried by 8 bytes of data.
        var json = Encoding.UTF8.GetBytes("""{"inputs":[{"name":"x","shape":[100000000,3],"datatype":"BYTES","parameters":{"binary_data_size":8}}]}""");
        var content = new ByteArrayContent([.. json, 1, 0, 0, 0, (byte)'a', 0, 0, 0]);
        content.Headers.Add("Inference-Header-Content-Length", json.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var response = await server.Client.PostAsync("/v2/models/m/infer", content);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        await ErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "needs 300000000 BYTES elements");
        // Other tests run in parallel in this process: the bound is far below the 2.4 GB the shape asks for.
        Assert.True(allocated < 512L * 1024 * 1024, $"{allocated} bytes allocated while refusing the request");
    }
}
