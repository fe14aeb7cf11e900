namespace AiOperator.Trainer.Distributed;

/// <summary>A peer was lost, went silent, or never arrived: the whole gang has to start again (exit 200).</summary>
internal sealed class GangBrokenException(string message, Exception? inner = null) : Exception(message, inner);
