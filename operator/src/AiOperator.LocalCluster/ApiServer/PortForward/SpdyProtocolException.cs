namespace AiOperator.LocalCluster.ApiServer.PortForward;

// A peer broke SPDY/3 framing; the connection is closed.
internal sealed class SpdyProtocolException(string message) : Exception(message);
