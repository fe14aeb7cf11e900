namespace AiOperator.Trainer.Distributed;

/// <summary>One message as read from the wire.</summary>
internal sealed record Frame(FrameType Type, byte[] Payload);
