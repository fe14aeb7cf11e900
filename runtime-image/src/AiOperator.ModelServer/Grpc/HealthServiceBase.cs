using Grpc.Core;
using Grpc.Health.V1;

namespace AiOperator.ModelServer.Grpc;

/// <summary>grpc.health.v1.Health as Grpc.HealthCheck's generated Health.HealthBase declares it, bound with <see cref="ProtobufMarshaller"/>'s marshallers.</summary>
[BindServiceMethod(typeof(HealthServiceBase), nameof(BindService))]
internal abstract class HealthServiceBase
{
    private static readonly string Service = Descriptor.FullName;

    /// <summary>What server reflection describes the bound service with (found on the binding type by this name).</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => Health.Descriptor;

    private static readonly Method<HealthCheckRequest, HealthCheckResponse> CheckMethod =
        ProtobufMarshaller.Unary(Service, "Check", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    private static readonly Method<HealthCheckRequest, HealthCheckResponse> WatchMethod =
        new(MethodType.ServerStreaming, Service, "Watch", ProtobufMarshaller.Create(HealthCheckRequest.Parser), ProtobufMarshaller.Create(HealthCheckResponse.Parser));

    public abstract Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context);

    public abstract Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context);

    /// <summary>Called by ASP.NET Core gRPC with a null instance: it finds each method's override on the service type itself.</summary>
    public static void BindService(ServiceBinderBase binder, HealthServiceBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(CheckMethod, service is null ? null : service.Check);
        binder.AddMethod(WatchMethod, service is null ? null : service.Watch);
    }
}
