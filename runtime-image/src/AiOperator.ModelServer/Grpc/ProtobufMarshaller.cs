using Google.Protobuf;
using Grpc.Core;

namespace AiOperator.ModelServer.Grpc;

/// <summary>
/// Protobuf marshallers as the generated code makes them, except that bytes which are not a valid message are the
/// client's fault: INVALID_ARGUMENT naming the message and what is wrong with it. (The generated deserializer throws
/// InvalidProtocolBufferException, which ASP.NET Core gRPC answers as UNKNOWN "Exception was thrown by handler." and
/// logs with a stack trace, once for every such request.)
/// </summary>
internal static class ProtobufMarshaller
{
    public static Marshaller<T> Create<T>(MessageParser<T> parser)
        where T : class, IMessage<T>, new()
    {
        var name = new T().Descriptor.FullName;
        return Marshallers.Create<T>(
            static (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context =>
            {
                try
                {
                    return parser.ParseFrom(context.PayloadAsReadOnlySequence());
                }
                catch (InvalidProtocolBufferException ex)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"the request is not a valid {name} message: {ex.Message}"));
                }
            });
    }

    /// <summary>A unary method of <paramref name="service"/> with these marshallers.</summary>
    public static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string service, string name, MessageParser<TRequest> request, MessageParser<TResponse> response)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        new(MethodType.Unary, service, name, Create(request), Create(response));
}
