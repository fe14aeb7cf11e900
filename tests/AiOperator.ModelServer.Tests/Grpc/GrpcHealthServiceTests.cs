using AiOperator.ModelServer.Hosting;
using AiOperator.ModelServer.Tests.Support;
using AiOperator.Testing;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static Grpc.Health.V1.HealthCheckResponse.Types;

namespace AiOperator.ModelServer.Tests.Grpc;

/// <summary>grpc.health.v1.Health on the gRPC port, as Kubernetes gRPC probes and grpc_health_probe ask it: SERVING exactly when REST readiness holds.</summary>
public sealed class GrpcHealthServiceTests
{
    [Fact]
    public async Task A_ready_server_is_serving_for_itself_and_the_inference_service_and_an_unknown_service_is_not_found()
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.Mlp()));
        using var channel = GrpcOip.Channel(server.GrpcPort);
        var health = new Health.HealthClient(channel);

        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "inference.GRPCInferenceService" })).Status);
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await health.CheckAsync(new HealthCheckRequest { Service = "shop.Cart" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("unknown service 'shop.Cart'", unknown.Status.Detail);
    }

    [Fact]
    public async Task A_model_that_failed_to_load_is_not_serving_while_the_server_stays_live()
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For("/nonexistent/model.onnx"), waitReady: false);
        using var channel = GrpcOip.Channel(server.GrpcPort);
        var health = new Health.HealthClient(channel);
        await Eventually.TrueAsync(() => Task.FromResult(server.Services.GetRequiredService<ModelState>().Status == ModelStatus.Failed),
            "model load failure", TimeSpan.FromSeconds(30));

        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest { Service = "inference.GRPCInferenceService" })).Status);
        var grpc = new AiOperator.ModelServer.Grpc.Protocol.GRPCInferenceService.GRPCInferenceServiceClient(channel);
        Assert.True((await grpc.ServerLiveAsync(new AiOperator.ModelServer.Grpc.Protocol.ServerLiveRequest())).Live);
    }

    [Fact]
    public async Task Watch_sends_the_status_then_each_change_and_ends_once_the_server_drains()
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.Mlp()));
        using var channel = GrpcOip.Channel(server.GrpcPort);
        var health = new Health.HealthClient(channel);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = health.Watch(new HealthCheckRequest(), cancellationToken: deadline.Token);
        var stream = watch.ResponseStream;

        Assert.True(await stream.MoveNext(deadline.Token));
        Assert.Equal(ServingStatus.Serving, stream.Current.Status);

        server.Services.GetRequiredService<ModelState>().BeginDrain();
        Assert.True(await stream.MoveNext(deadline.Token));
        Assert.Equal(ServingStatus.NotServing, stream.Current.Status);
        Assert.False(await stream.MoveNext(deadline.Token), "the watch ends once the server drains, so it cannot hold the shutdown up");
        Assert.Equal(StatusCode.OK, watch.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Watch_of_an_unknown_service_answers_service_unknown_and_stays_open()
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.Mlp()));
        using var channel = GrpcOip.Channel(server.GrpcPort);
        var health = new Health.HealthClient(channel);
        using var stop = new CancellationTokenSource();
        using var watch = health.Watch(new HealthCheckRequest { Service = "shop.Cart" }, cancellationToken: stop.Token);
        var stream = watch.ResponseStream;

        Assert.True(await stream.MoveNext(CancellationToken.None));
        Assert.Equal(ServingStatus.ServiceUnknown, stream.Current.Status);
        var next = stream.MoveNext(CancellationToken.None);
        // A whole round trip on the same connection after that message: had the server ended the watch, its
        // trailers would have come in ahead of this answer (HTTP/2 keeps a connection's frames in order).
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.False(next.IsCompleted, "a watch of an unknown service stays open");
        await stop.CancelAsync();
        var cancelled = await Assert.ThrowsAsync<RpcException>(async () => await next);
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);
    }
}
