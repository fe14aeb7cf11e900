namespace AiOperator.LocalCluster.ApiServer.Protobuf;

// A Kubernetes protobuf message: its name (for errors) and fields by number.
internal sealed class ProtoMessage
{
    public ProtoMessage(string name, params ProtoField[] fields)
    {
        Name = name;
        Fields = fields.ToDictionary(f => f.Number);
    }

    public string Name { get; }

    public IReadOnlyDictionary<int, ProtoField> Fields { get; }
}
