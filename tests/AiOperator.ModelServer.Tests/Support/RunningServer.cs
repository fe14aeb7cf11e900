using AiOperator.ModelServer.Configuration;
using AiOperator.ModelServer.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiOperator.ModelServer.Tests.Support;

/// <summary>The real server, in process, on 127.0.0.1 and an ephemeral port.</summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningServer(WebApplication app, HttpClient client, ServerOptions options)
    {
        _app = app;
        Client = client;
        Options = options;
    }

    public HttpClient Client { get; }
    public ServerOptions Options { get; }
    public IServiceProvider Services => _app.Services;

    /// <summary>The bound gRPC port (the options ask for an ephemeral one).</summary>
    public int GrpcPort => _app.Services.GetRequiredService<AiOperator.ModelServer.Hosting.ServerEndpoints>().GrpcPort;

    public static async Task<RunningServer> StartAsync(ServerOptions options, bool waitReady = true, TimeProvider? time = null)
    {
        options = options with { Host = "127.0.0.1", HttpPort = 0, GrpcPort = 0, TerminationLogPath = options.TerminationLogPath ?? Path.Combine(TestModels.Directory, $"termination-{Guid.NewGuid():N}.log") };
        var app = ServerApp.Build(options, time ?? TimeProvider.System, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        var http = app.Services.GetRequiredService<AiOperator.ModelServer.Hosting.ServerEndpoints>().HttpPort;
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(60) };
        var server = new RunningServer(app, client, options);
        if (waitReady)
        {
            await Eventually.TrueAsync(async () => (await client.GetAsync("/v2/health/ready")).IsSuccessStatusCode, "server ready", TimeSpan.FromSeconds(60));
        }

        return server;
    }

    public static ServerOptions For(string modelPath, string name = "m") => new() { ModelUri = modelPath, ModelName = name, IntraOpThreads = 1 };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
