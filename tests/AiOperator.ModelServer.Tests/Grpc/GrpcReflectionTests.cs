using AiOperator.ModelServer.Tests.Support;
using Google.Protobuf.Reflection;
using Grpc.Reflection.V1Alpha;
using Xunit;

namespace AiOperator.ModelServer.Tests.Grpc;

/// <summary>Server reflection, which grpcurl and grpcui use to call the server without a copy of the .proto.</summary>
public sealed class GrpcReflectionTests
{
    [Fact]
    public async Task Reflection_lists_the_services_and_describes_the_inference_service()
    {
        await using var server = await RunningServer.StartAsync(RunningServer.For(TestModels.Mlp()));
        using var channel = GrpcOip.Channel(server.GrpcPort);
        var reflection = new ServerReflection.ServerReflectionClient(channel);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = reflection.ServerReflectionInfo(cancellationToken: deadline.Token);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext(deadline.Token));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("inference.GRPCInferenceService", services);
        Assert.Contains("grpc.health.v1.Health", services);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "inference.GRPCInferenceService" });
        Assert.True(await call.ResponseStream.MoveNext(deadline.Token));
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b)).ToList();
        var service = files.SelectMany(f => f.Service).Single(s => s.Name == "GRPCInferenceService");
        Assert.Equal(
            ["ServerLive", "ServerReady", "ModelReady", "ServerMetadata", "ModelMetadata", "ModelInfer"],
            service.Method.Select(m => m.Name));
        await call.RequestStream.CompleteAsync();
    }
}
