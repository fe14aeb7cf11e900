using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AiOperator.ModelServer.Hosting;

/// <summary>The REST and gRPC listeners; after start their endpoints carry the bound ports (port 0 picks one).</summary>
internal sealed class ServerEndpoints
{
    public ListenOptions? Http { get; set; }
    public ListenOptions? Grpc { get; set; }

    public int GrpcPort => (Grpc?.IPEndPoint ?? throw new InvalidOperationException("the gRPC listener is not configured")).Port;
    public int HttpPort => (Http?.IPEndPoint ?? throw new InvalidOperationException("the HTTP listener is not configured")).Port;
}
