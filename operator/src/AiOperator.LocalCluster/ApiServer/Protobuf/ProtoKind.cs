namespace AiOperator.LocalCluster.ApiServer.Protobuf;

// How one protobuf field becomes JSON.
internal enum ProtoKind
{
    String,

    // JSON base64, as Go's encoding/json writes []byte.
    Bytes,
    Bool,
    Int32,
    Int64,
    Message,

    // metav1.Time {seconds, nanos} -> RFC 3339 string.
    Time,

    // intstr.IntOrString {type, intVal, strVal} -> number or string.
    IntOrString,

    // resource.Quantity {string} -> string.
    Quantity,

    // Decoded but not kept: fields the server resets anyway (status on create).
    Ignored,
}
