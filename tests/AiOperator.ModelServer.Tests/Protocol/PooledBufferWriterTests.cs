using System.Text.Json;
using AiOperator.ModelServer.Protocol;
using Xunit;

namespace AiOperator.ModelServer.Tests.Protocol;

public sealed class PooledBufferWriterTests
{
    [Fact]
    public void Writes_past_the_first_buffer_keep_every_byte_in_order()
    {
        var sent = new byte[10_000];
        new Random(5).NextBytes(sent);
        using var writer = new PooledBufferWriter(256);
        for (var offset = 0; offset < sent.Length; offset += 333)
        {
            var chunk = sent.AsSpan(offset, Math.Min(333, sent.Length - offset));
            chunk.CopyTo(writer.GetSpan(chunk.Length));
            writer.Advance(chunk.Length);
        }

        Assert.Equal(sent.Length, writer.WrittenCount);
        Assert.Equal(sent, writer.WrittenMemory.ToArray());
    }

    [Fact]
    public void Advancing_past_the_buffer_is_refused()
    {
        using var writer = new PooledBufferWriter(256);
        var available = writer.GetSpan().Length;
        Assert.Throws<InvalidOperationException>(() => writer.Advance(available + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(-1));
    }

    [Fact]
    public void A_json_writer_over_it_produces_the_whole_document()
    {
        using var writer = new PooledBufferWriter(256);
        using (var json = new Utf8JsonWriter(writer))
        {
            json.WriteStartArray();
            for (var i = 0; i < 2_000; i++)
            {
                json.WriteNumberValue(i);
            }

            json.WriteEndArray();
        }

        using var doc = JsonDocument.Parse(writer.WrittenMemory);
        Assert.Equal(2_000, doc.RootElement.GetArrayLength());
        Assert.Equal(1_999, doc.RootElement[1_999].GetInt32());
    }
}
