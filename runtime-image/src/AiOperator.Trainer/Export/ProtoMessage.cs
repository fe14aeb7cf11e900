using Google.Protobuf;

namespace AiOperator.Trainer.Export;

/// <summary>One protobuf message, field by field, encoded with the wire encoder when asked for its bytes.</summary>
internal sealed class ProtoMessage
{
    private readonly List<Action<CodedOutputStream>> _fields = [];

    public ProtoMessage Int64(int field, long value) => Add(o =>
    {
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt64(value);
    });

    public ProtoMessage Int32(int field, int value) => Add(o =>
    {
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt32(value);
    });

    public ProtoMessage String(int field, string value) => Add(o =>
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    });

    public ProtoMessage Bytes(int field, byte[] value) => Add(o =>
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(value));
    });

    public ProtoMessage Message(int field, ProtoMessage value) => Bytes(field, value.ToArray());

    public byte[] ToArray()
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            foreach (var field in _fields)
            {
                field(output);
            }
        }

        return buffer.ToArray();
    }

    private ProtoMessage Add(Action<CodedOutputStream> field)
    {
        _fields.Add(field);
        return this;
    }
}
