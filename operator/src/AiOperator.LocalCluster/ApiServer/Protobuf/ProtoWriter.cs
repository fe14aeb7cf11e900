using System.Text;

namespace AiOperator.LocalCluster.ApiServer.Protobuf;

// The few lines of protobuf encoding the local cluster writes by hand (the failing ONNX model, the kubelet's
// gRPC health request): each call returns one encoded field, Message concatenates them.
internal static class ProtoWriter
{
    public static byte[] Message(params byte[][] fields) => [.. fields.SelectMany(f => f)];

    public static byte[] Text(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public static byte[] Bytes(int field, byte[] value) => [.. Key(field, ProtoReader.LengthDelimited), .. Encode((ulong)value.Length), .. value];

    public static byte[] Varint(int field, long value) => [.. Key(field, ProtoReader.Varint), .. Encode((ulong)value)];

    private static byte[] Key(int field, int wireType) => Encode((ulong)((field << 3) | wireType));

    private static byte[] Encode(ulong value)
    {
        var bytes = new List<byte>(10);
        do
        {
            var low = (byte)(value & 0x7f);
            value >>= 7;
            bytes.Add(value == 0 ? low : (byte)(low | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}
