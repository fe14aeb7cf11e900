using AiOperator.Trainer.Export;

namespace AiOperator.Cli.Demo;

/// <summary>
/// The bad upgrade: a model that loads, has the served model's input and output names, and fails every
/// inference (a Gather whose index lies outside the input), so the canary's error rate climbs.
/// </summary>
internal static class BrokenModel
{
    public static byte[] Build()
    {
        var index = new ProtoMessage().Int64(1, 1).Int32(2, 7).String(8, "index").Bytes(9, BitConverter.GetBytes(7L));  // INT64 [1] = {7}
        var gather = new ProtoMessage().String(1, "input").String(1, "index").String(2, "probabilities").String(3, "gather").String(4, "Gather")
            .Message(5, new ProtoMessage().String(1, "axis").Int64(3, 1).Int32(20, 2));
        var graph = new ProtoMessage()
            .Message(1, gather)
            .String(2, "broken")
            .Message(5, index)
            .Message(11, Value("input", 2))
            .Message(12, Value("probabilities", 1));
        return new ProtoMessage()
            .Int64(1, 8)
            .String(2, "aiop-demo")
            .Message(7, graph)
            .Message(8, new ProtoMessage().String(1, "").Int64(2, 17))
            .ToArray();
    }

    // FLOAT [batch, width]
    private static ProtoMessage Value(string name, long width)
    {
        var shape = new ProtoMessage()
            .Message(1, new ProtoMessage().String(2, "batch"))
            .Message(1, new ProtoMessage().Int64(1, width));
        return new ProtoMessage().String(1, name)
            .Message(2, new ProtoMessage().Message(1, new ProtoMessage().Int32(1, 1).Message(2, shape)));
    }
}
