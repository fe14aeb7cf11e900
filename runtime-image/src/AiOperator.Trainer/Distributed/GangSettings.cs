using AiOperator.Trainer.Training;

namespace AiOperator.Trainer.Distributed;

/// <summary>What every rank of a gang must agree on, and how long it waits for the others.</summary>
internal sealed record GangSettings(int Ranks, Hyperparameters Hyperparameters, TimeSpan RendezvousTimeout, TimeSpan PeerTimeout);
