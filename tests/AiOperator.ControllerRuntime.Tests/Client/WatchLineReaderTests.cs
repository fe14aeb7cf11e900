using System.Text;
using AiOperator.ControllerRuntime.Client;

namespace AiOperator.ControllerRuntime.Tests.Client;

public sealed class WatchLineReaderTests
{
    [Fact]
    public async Task Splits_lines_across_reads_and_skips_blank_ones()
    {
        var stream = new TrickleStream(Encoding.UTF8.GetBytes("{\"a\":1}\n\n{\"b\":22}\r\n{\"c\":3}"), chunk: 3);
        var reader = new WatchLineReader(stream, 1024);

        var lines = new List<string>();
        while (await reader.ReadLineAsync(CancellationToken.None) is { } line)
        {
            lines.Add(Encoding.UTF8.GetString(line.Span).TrimEnd('\r'));
        }

        Assert.Equal(["{\"a\":1}", "{\"b\":22}", "{\"c\":3}"], lines);
    }

    [Fact]
    public async Task A_line_over_the_limit_is_refused()
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes(new string('x', 5000) + "\n"));
        var reader = new WatchLineReader(stream, 1000);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadLineAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Long_lines_within_the_limit_grow_the_buffer()
    {
        var big = new string('y', 200_000);
        var reader = new WatchLineReader(new MemoryStream(Encoding.UTF8.GetBytes(big + "\nz\n")), 1_000_000);

        Assert.Equal(big.Length, (await reader.ReadLineAsync(CancellationToken.None))!.Value.Length);
        Assert.Equal("z", Encoding.UTF8.GetString((await reader.ReadLineAsync(CancellationToken.None))!.Value.Span));
        Assert.Null(await reader.ReadLineAsync(CancellationToken.None));
    }

    // Hands out a few bytes per read, like a chunked HTTP body.
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }
}
