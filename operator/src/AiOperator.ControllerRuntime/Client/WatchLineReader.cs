namespace AiOperator.ControllerRuntime.Client;

// Splits a chunked watch body into newline-delimited JSON documents without trusting the server
// to keep lines small: a line over the limit ends the watch with an error instead of eating memory.
internal sealed class WatchLineReader(Stream stream, int maxLineBytes)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanFrom = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _end - scanFrom);
            if (newline >= 0)
            {
                if (newline - _start > maxLineBytes)
                {
                    throw new InvalidDataException($"watch event larger than {maxLineBytes} bytes");
                }

                var line = _buffer.AsMemory(_start, newline - _start);
                _start = newline + 1;
                if (line.Span.Trim((byte)'\r').IsEmpty)
                {
                    scanFrom = _start;
                    continue;
                }

                return line;
            }

            if (_end - _start > maxLineBytes)
            {
                throw new InvalidDataException($"watch event larger than {maxLineBytes} bytes");
            }

            Compact();
            scanFrom = _end;
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                // The server closed the stream; a trailing line without '\n' is still an event.
                if (_end > _start)
                {
                    var last = _buffer.AsMemory(_start, _end - _start);
                    _start = _end;
                    return last;
                }

                return null;
            }

            _end += read;
        }
    }

    private void Compact()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, maxLineBytes + 2));
        }
    }
}
