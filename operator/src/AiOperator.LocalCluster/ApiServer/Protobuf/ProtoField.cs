namespace AiOperator.LocalCluster.ApiServer.Protobuf;

// One field of a Kubernetes protobuf message: its number, JSON name and shape. Present marks Go
// pointer fields, whose zero value was set on purpose (replicas: 0) and is kept; other scalars are
// written by Go's marshaller even when empty, and are dropped when zero as omitempty JSON would.
// Inline marks embedded Go structs whose fields appear at the parent's level in JSON.
internal sealed record ProtoField(int Number, string JsonName, ProtoKind Kind)
{
    public bool Repeated { get; init; }

    public bool Present { get; init; }

    public bool Inline { get; init; }

    // For Message fields and map values that are messages.
    public Func<ProtoMessage>? Message { get; init; }

    // Set for map<string, V>: the kind of V (the key is always a string in Kubernetes types).
    public ProtoKind? MapValue { get; init; }
}
