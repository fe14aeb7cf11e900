using System.Net;
using AiOperator.LocalCluster.Simulation.Kubelet;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Kubelet;

/// <summary>
/// The kubelet's grpc probe against gRPC's own health service implementation (Grpc.HealthCheck's HealthServiceImpl)
/// on cleartext HTTP/2: SERVING passes, anything else fails with the kubelet's texts.
/// </summary>
public sealed class GrpcHealthProbeTests : IAsyncLifetime
{
    private readonly HealthServiceImpl _health = new();
    private WebApplication _app = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(_health);
        _app = builder.Build();
        _app.MapGrpcService<HealthServiceImpl>();
        await _app.StartAsync();
        _port = Port(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<string?> Probe(string? service, int? port = null)
    {
        using var runner = new ProbeRunner(TimeProvider.System);
        var probe = new V1Probe { Grpc = new V1GRPCAction { Port = port ?? _port, Service = service }, TimeoutSeconds = 5 };
        return await runner.RunAsync(probe, new V1Container { Name = "c" }, "127.0.0.1", [], CancellationToken.None);
    }

    [Fact]
    public async Task Serving_passes_and_every_other_answer_fails_with_the_kubelets_text()
    {
        _health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
        _health.SetStatus("db", HealthCheckResponse.Types.ServingStatus.NotServing);

        Assert.Null(await Probe(null));   // no service named: the server as a whole ("")
        Assert.Null(await Probe(""));
        Assert.Equal("service unhealthy (responded with \"NOT_SERVING\")", await Probe("db"));
        Assert.Equal("error: health rpc probe failed: rpc error: code = NotFound desc = ", await Probe("shop.Cart"));

        _health.SetStatus("", HealthCheckResponse.Types.ServingStatus.NotServing);
        Assert.Equal("service unhealthy (responded with \"NOT_SERVING\")", await Probe(null));
        _health.SetStatus("db", HealthCheckResponse.Types.ServingStatus.Serving);
        Assert.Null(await Probe("db"));
    }

    [Fact]
    public async Task A_server_without_the_health_service_and_a_closed_port_fail_as_the_kubelet_says()
    {
        // A gRPC server answers a method it does not have with a trailers-only UNIMPLEMENTED.
        await using var other = await StartAsync(async context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "12";
            context.Response.Headers["grpc-message"] = "Service is unimplemented.";
            await context.Response.CompleteAsync();
        });
        Assert.Equal("this server does not implement the grpc health protocol (grpc.health.v1.Health): Service is unimplemented.",
            await Probe(null, Port(other)));

        // A status code outside gRPC's list (here one no server should send) is named by its number, not an error of the probe itself.
        await using var odd = await StartAsync(async context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "-1";
            await context.Response.CompleteAsync();
        });
        Assert.Equal("error: health rpc probe failed: rpc error: code = Code(-1) desc = ", await Probe(null, Port(odd)));

        int closed;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var refused = await Probe(null, closed);
        Assert.StartsWith($"timeout: failed to connect service \"127.0.0.1:{closed}\" within 5s: ", refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Request_frames_carry_the_service_name_and_answers_are_read_field_by_field()
    {
        Assert.Equal([0, 0, 0, 0, 0], GrpcHealthProbe.Frame(""));
        Assert.Equal([0, 0, 0, 0, 4, 0x0A, 2, (byte)'d', (byte)'b'], GrpcHealthProbe.Frame("db"));
        var longName = new string('s', 200);
        Assert.Equal([0x0A, 0xC8, 0x01], GrpcHealthProbe.Frame(longName)[5..8]);

        Assert.Equal(1, GrpcHealthProbe.ServingStatus([0, 0, 0, 0, 2, 0x08, 1]));
        Assert.Equal(0, GrpcHealthProbe.ServingStatus([0, 0, 0, 0, 0]));   // status left at its default: UNKNOWN
        Assert.Equal(2, GrpcHealthProbe.ServingStatus([0, 0, 0, 0, 6, 0x12, 2, 1, 2, 0x08, 2]));   // an unknown field first
        Assert.Null(GrpcHealthProbe.ServingStatus([0, 0, 0, 0, 3, 0x08, 1]));   // length says more than is there
        Assert.Null(GrpcHealthProbe.ServingStatus([1, 0, 0, 0, 2, 0x08, 1]));   // compressed: never asked for
        Assert.Null(GrpcHealthProbe.ServingStatus([0, 0, 0, 0, 2, 0x12, 9]));   // a field running past the end
    }

    private static int Port(WebApplication app) =>
        new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;

    private static async Task<WebApplication> StartAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return app;
    }
}
