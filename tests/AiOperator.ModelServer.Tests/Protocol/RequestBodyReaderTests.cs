using System.Buffers;
using AiOperator.ModelServer.Protocol;
using Xunit;

namespace AiOperator.ModelServer.Tests.Protocol;

public sealed class RequestBodyReaderTests
{
    [Fact]
    public async Task A_huge_declared_length_does_not_size_the_buffer_only_the_bytes_that_arrive_do()
    {
        var sent = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var body = await RequestBodyReader.ReadAsync(new MemoryStream(sent), declared: 60L * 1024 * 1024, max: 64L * 1024 * 1024, CancellationToken.None);
        try
        {
            Assert.Equal(100, body.Length);
            Assert.Equal(sent, body.Buffer.AsSpan(0, body.Length).ToArray());
            Assert.True(body.Buffer.Length <= RequestBodyReader.InitialBuffer, $"buffer of {body.Buffer.Length} bytes for a 100-byte body");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body.Buffer);
        }
    }

    [Fact]
    public async Task The_buffer_grows_with_a_body_larger_than_its_first_size()
    {
        var sent = new byte[3 * RequestBodyReader.InitialBuffer + 17];
        new Random(3).NextBytes(sent);
        var body = await RequestBodyReader.ReadAsync(new MemoryStream(sent), declared: null, max: 1 << 20, CancellationToken.None);
        Assert.Equal(sent, body.Buffer.AsSpan(0, body.Length).ToArray());
        ArrayPool<byte>.Shared.Return(body.Buffer);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task More_than_the_limit_is_413_whether_declared_or_not(bool declare)
    {
        var sent = new byte[5000];
        var ex = await Assert.ThrowsAsync<InferenceException>(() =>
            RequestBodyReader.ReadAsync(new MemoryStream(sent), declare ? sent.Length : null, max: 4096, CancellationToken.None));
        Assert.Equal(413, ex.StatusCode);
    }
}
