using System.Net;
using System.Net.Sockets;
using System.Text;
using AiOperator.ControllerRuntime.Hosting;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace AiOperator.ControllerRuntime.Tests.Hosting;

// The probe endpoint is an input like any other: real HTTP clients get proper answers, and malformed,
// oversized, silent or too many clients cannot take it down.
public sealed class ProbeServerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly MetricsRegistry _metrics = new();
    private bool _ready;
    private ProbeServer _server = null!;

    public async Task InitializeAsync()
    {
        _metrics.Counter("probe_test_total", "a counter for the test").Inc();
        _server = new ProbeServer(
            IPAddress.Loopback,
            0,
            () => new HealthReport(true, []),
            _ => _ready ? Task.FromResult(new HealthReport(true, [])) : Task.FromResult(new HealthReport(false, ["caches not synced", "crd missing"])),
            _metrics,
            _time);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Answers_health_readiness_and_metrics_to_an_http_client()
    {
        using var http = new HttpClient { BaseAddress = _server.Address };

        var live = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("ok", await live.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/livez?verbose", UriKind.Relative))).StatusCode);

        var notReady = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.InternalServerError, notReady.StatusCode);
        Assert.Equal("caches not synced\ncrd missing", await notReady.Content.ReadAsStringAsync());
        _ready = true;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);

        var metrics = await http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        Assert.Contains("probe_test_total 1", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/debug/pprof", UriKind.Relative))).StatusCode);
        var post = await http.PostAsync(new Uri("/healthz", UriKind.Relative), new StringContent("x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(["GET", "HEAD"], post.Content.Headers.Allow.Order());
    }

    [Fact]
    public async Task Head_gets_the_length_of_the_body_without_the_body()
    {
        var response = await RawAsync("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.Contains("Content-Length: 2\r\n", response, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GARBAGE\r\n\r\n", "400 Bad Request")]
    [InlineData("GET healthz HTTP/1.1\r\n\r\n", "400 Bad Request")]
    [InlineData("GET /healthz SPDY/3\r\n\r\n", "400 Bad Request")]
    [InlineData("DELETE /metrics HTTP/1.1\r\n\r\n", "405 Method Not Allowed")]
    public async Task Malformed_requests_get_a_4xx_and_the_server_goes_on(string request, string status)
    {
        Assert.StartsWith($"HTTP/1.1 {status}\r\n", await RawAsync(request), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await RawAsync("GET /healthz HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_head_over_the_limit_is_refused_with_431()
    {
        var huge = "GET /healthz HTTP/1.1\r\nX-Padding: " + new string('a', ProbeServer.MaxHeadBytes) + "\r\n\r\n";

        var response = await RawAsync(huge, sendAll: false);

        Assert.StartsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n", response, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await RawAsync("GET /healthz HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silent_clients_are_cut_off_after_the_head_timeout_and_do_not_block_others()
    {
        using var silent = new TcpClient();
        await silent.ConnectAsync(_server.Address!.Host, _server.Address.Port);
        await silent.GetStream().WriteAsync("GET /healthz HTTP/1.1\r\n"u8.ToArray());

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await RawAsync("GET /healthz HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);

        var closed = silent.GetStream().ReadAsync(new byte[1]).AsTask();
        Assert.False(closed.IsCompleted);
        await Eventually.TrueAsync(() =>
        {
            _time.Advance(ProbeServer.HeadTimeout);
            return closed.IsCompleted;
        }, "the silent connection closed once its head timeout passed");
        Assert.Equal(0, await closed);
    }

    [Fact]
    public async Task Connections_over_the_cap_are_closed_at_once_until_slots_free_up()
    {
        var idle = new List<TcpClient>();
        try
        {
            for (var i = 0; i < ProbeServer.MaxConnections; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(_server.Address!.Host, _server.Address.Port);
                idle.Add(client);
            }

            // The server may still be accepting the last idle ones; the next connection must be refused.
            await Eventually.TrueAsync(async () => await RawAsync("GET /healthz HTTP/1.1\r\n\r\n") == string.Empty, "a connection over the cap closed without an answer");

            _time.Advance(ProbeServer.HeadTimeout);
            await Eventually.TrueAsync(async () => (await RawAsync("GET /healthz HTTP/1.1\r\n\r\n")).StartsWith("HTTP/1.1 200", StringComparison.Ordinal), "answers again once the idle connections timed out");
        }
        finally
        {
            idle.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Stops_listening_when_disposed()
    {
        var address = _server.Address!;
        var disposed = _server;
        // The replacement (for the class's own cleanup) binds while the old one still holds its port, so it cannot get that port.
        _server = new ProbeServer(IPAddress.Loopback, 0, () => new HealthReport(true, []), _ => Task.FromResult(new HealthReport(true, [])), _metrics, _time);
        await _server.StartAsync(CancellationToken.None);
        await disposed.DisposeAsync();

        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(address.Host, address.Port));
    }

    // Sends the bytes, reads until the server closes; "" when it closed without answering.
    private async Task<string> RawAsync(string request, bool sendAll = true)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_server.Address!.Host, _server.Address.Port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        }
        catch (IOException) when (!sendAll)
        {
            // The server answered and closed before taking everything (the oversized head).
        }

        var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer);
        }
        catch (IOException)
        {
            // A reset after (or instead of) the answer: what arrived is what counts.
        }

        return Encoding.ASCII.GetString(answer.ToArray());
    }
}
