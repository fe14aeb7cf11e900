using System.Buffers.Binary;
using AiOperator.Trainer.Distributed;
using Xunit;

namespace AiOperator.Trainer.Tests.Distributed;

public sealed class FrameCodecTests
{
    [Fact]
    public async Task A_frame_round_trips()
    {
        using var stream = new MemoryStream();
        await FrameCodec.WriteAsync(stream, FrameType.Sum, Messages.Vector(42, [1.5, -2.25]), CancellationToken.None);
        stream.Position = 0;

        var frame = await FrameCodec.ReadAsync(stream, CancellationToken.None);

        Assert.Equal(FrameType.Sum, frame.Type);
        var (step, values) = Messages.ReadVector(frame.Payload, 2);
        Assert.Equal(42, step);
        Assert.Equal([1.5, -2.25], values);
    }

    [Theory]
    [InlineData(FrameCodec.MaxPayloadBytes + 1)]
    [InlineData(int.MaxValue)]
    [InlineData(-1)]
    public async Task A_length_beyond_the_limit_is_refused_before_allocating(int length)
    {
        var header = new byte[5];
        BinaryPrimitives.WriteInt32BigEndian(header, length);
        header[4] = (byte)FrameType.Sum;

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => FrameCodec.ReadAsync(new MemoryStream(header), CancellationToken.None));

        Assert.Contains("frame length", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_types_truncated_frames_and_wrong_sizes_are_errors()
    {
        await Assert.ThrowsAsync<InvalidDataException>(() => FrameCodec.ReadAsync(new MemoryStream([0, 0, 0, 0, 99]), CancellationToken.None));
        await Assert.ThrowsAsync<EndOfStreamException>(() => FrameCodec.ReadAsync(new MemoryStream([0, 0, 0, 8, 4, 1, 2]), CancellationToken.None));
        await Assert.ThrowsAsync<EndOfStreamException>(() => FrameCodec.ReadAsync(new MemoryStream([0, 0]), CancellationToken.None));
        Assert.Throws<InvalidDataException>(() => Messages.ReadVector(new byte[16], 2));
        Assert.Throws<InvalidDataException>(() => Messages.ReadHello(new byte[5]));
    }
}
