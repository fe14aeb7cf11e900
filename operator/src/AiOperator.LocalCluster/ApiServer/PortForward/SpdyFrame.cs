namespace AiOperator.LocalCluster.ApiServer.PortForward;

// One SPDY/3 frame. Control frames carry a Type; data frames a StreamId (control frames keep theirs in Payload).
internal sealed record SpdyFrame(bool IsControl, SpdyFrameType Type, uint StreamId, byte Flags, byte[] Payload)
{
    public const byte FlagFin = 0x01;

    public bool Fin => (Flags & FlagFin) != 0;
}
