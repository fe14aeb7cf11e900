using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AiOperator.ModelServer.Tests.Support;

/// <summary>A loopback-only HTTP server handing out one file, counting requests, optionally held until released.</summary>
internal sealed class LoopbackFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private LoopbackFileServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;
    public int Requests => _requests;
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<LoopbackFileServer> StartAsync(byte[] content, bool hold = false, bool declareLength = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LoopbackFileServer(app);
        if (!hold)
        {
            server.Release.SetResult();
        }

        app.MapGet("/models/model.onnx", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref server._requests);
            await server.Release.Task;
            if (declareLength)
            {
                ctx.Response.ContentLength = content.Length;
            }

            await ctx.Response.Body.WriteAsync(content);
        });
        await app.StartAsync();
        server.BaseAddress = new Uri(app.Urls.First());
        return server;
    }

    public string ModelUrl => new Uri(BaseAddress, "/models/model.onnx?token=secret-value").ToString();

    public async ValueTask DisposeAsync()
    {
        Release.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
