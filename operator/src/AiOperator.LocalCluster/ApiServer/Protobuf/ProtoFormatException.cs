namespace AiOperator.LocalCluster.ApiServer.Protobuf;

// Malformed protobuf bytes; the decoder turns it into a 400 naming where it happened.
internal sealed class ProtoFormatException(string message) : Exception(message);
