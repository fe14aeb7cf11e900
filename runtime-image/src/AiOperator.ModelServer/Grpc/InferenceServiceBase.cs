using AiOperator.ModelServer.Grpc.Protocol;
using Grpc.Core;

namespace AiOperator.ModelServer.Grpc;

/// <summary>
/// inference.GRPCInferenceService as the generated GRPCInferenceServiceBase declares it (same service and method
/// names, same messages), bound with <see cref="ProtobufMarshaller"/>'s marshallers so that a message which is not
/// valid protobuf is INVALID_ARGUMENT. ASP.NET Core gRPC binds the methods declared on the type that carries the
/// BindServiceMethod attribute, hence a base of our own rather than an attribute on the generated one's subclass.
/// </summary>
[BindServiceMethod(typeof(InferenceServiceBase), nameof(BindService))]
internal abstract class InferenceServiceBase
{
    private static readonly string Service = Descriptor.FullName;

    /// <summary>What server reflection describes the bound service with (found on the binding type by this name).</summary>
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => GRPCInferenceService.Descriptor;

    private static readonly Method<ServerLiveRequest, ServerLiveResponse> ServerLiveMethod =
        ProtobufMarshaller.Unary(Service, "ServerLive", ServerLiveRequest.Parser, ServerLiveResponse.Parser);

    private static readonly Method<ServerReadyRequest, ServerReadyResponse> ServerReadyMethod =
        ProtobufMarshaller.Unary(Service, "ServerReady", ServerReadyRequest.Parser, ServerReadyResponse.Parser);

    private static readonly Method<ModelReadyRequest, ModelReadyResponse> ModelReadyMethod =
        ProtobufMarshaller.Unary(Service, "ModelReady", ModelReadyRequest.Parser, ModelReadyResponse.Parser);

    private static readonly Method<ServerMetadataRequest, ServerMetadataResponse> ServerMetadataMethod =
        ProtobufMarshaller.Unary(Service, "ServerMetadata", ServerMetadataRequest.Parser, ServerMetadataResponse.Parser);

    private static readonly Method<ModelMetadataRequest, ModelMetadataResponse> ModelMetadataMethod =
        ProtobufMarshaller.Unary(Service, "ModelMetadata", ModelMetadataRequest.Parser, ModelMetadataResponse.Parser);

    private static readonly Method<ModelInferRequest, ModelInferResponse> ModelInferMethod =
        ProtobufMarshaller.Unary(Service, "ModelInfer", ModelInferRequest.Parser, ModelInferResponse.Parser);

    public abstract Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context);

    public abstract Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context);

    public abstract Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context);

    public abstract Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context);

    public abstract Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context);

    public abstract Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context);

    /// <summary>Called by ASP.NET Core gRPC with a null instance: it finds each method's override on the service type itself.</summary>
    public static void BindService(ServiceBinderBase binder, InferenceServiceBase? service)
    {
        ArgumentNullException.ThrowIfNull(binder);
        binder.AddMethod(ServerLiveMethod, service is null ? null : service.ServerLive);
        binder.AddMethod(ServerReadyMethod, service is null ? null : service.ServerReady);
        binder.AddMethod(ModelReadyMethod, service is null ? null : service.ModelReady);
        binder.AddMethod(ServerMetadataMethod, service is null ? null : service.ServerMetadata);
        binder.AddMethod(ModelMetadataMethod, service is null ? null : service.ModelMetadata);
        binder.AddMethod(ModelInferMethod, service is null ? null : service.ModelInfer);
    }
}
