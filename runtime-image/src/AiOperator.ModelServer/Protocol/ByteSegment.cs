using System.Buffers;

namespace AiOperator.ModelServer.Protocol;

/// <summary>One piece of a <see cref="ReadOnlySequence{T}"/> of bytes, for joining memory without copying it.</summary>
internal sealed class ByteSegment : ReadOnlySequenceSegment<byte>
{
    public ByteSegment(ReadOnlyMemory<byte> memory) => Memory = memory;

    public ByteSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new ByteSegment(memory) { RunningIndex = RunningIndex + Memory.Length };
        Next = next;
        return next;
    }
}
