namespace AiOperator.Trainer.Distributed;

/// <summary>Rank 0 refused this rank (another configuration, a duplicate rank): restarting will not help (exit 2).</summary>
internal sealed class GangRefusedException(string message) : Exception(message);
