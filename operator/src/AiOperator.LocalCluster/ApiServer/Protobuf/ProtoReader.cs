namespace AiOperator.LocalCluster.ApiServer.Protobuf;

// A minimal protobuf wire-format reader over a span: varints, length-delimited slices and fixed
// widths. Truncated or malformed input throws ProtoFormatException, never reads out of bounds.
internal ref struct ProtoReader
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    public (int Number, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        var number = tag >> 3;
        if (number is 0 or > int.MaxValue)
        {
            throw new ProtoFormatException($"invalid field number {number}");
        }

        return ((int)number, (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new ProtoFormatException("truncated varint");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new ProtoFormatException("varint longer than 10 bytes");
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new ProtoFormatException($"length {length} runs past the end of the message");
        }

        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    // Skips one value; true when it was the type's zero value (0, or an empty string/message).
    public bool SkipIsZero(int wireType)
    {
        switch (wireType)
        {
            case Varint:
                return ReadVarint() == 0;
            case LengthDelimited:
                return ReadLengthDelimited().IsEmpty;
            case Fixed64:
                return Fixed(8);
            case Fixed32:
                return Fixed(4);
            default:
                throw new ProtoFormatException($"unsupported wire type {wireType}");
        }
    }

    private bool Fixed(int width)
    {
        if (_data.Length - _position < width)
        {
            throw new ProtoFormatException("truncated fixed-width value");
        }

        var zero = !_data.Slice(_position, width).ContainsAnyExcept((byte)0);
        _position += width;
        return zero;
    }
}
