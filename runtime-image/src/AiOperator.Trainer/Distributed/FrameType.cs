namespace AiOperator.Trainer.Distributed;

/// <summary>The messages of the rendezvous and all-reduce protocol, one byte on the wire.</summary>
internal enum FrameType : byte
{
    Hello = 1,        // member -> leader: protocol, rank, ranks, configuration fingerprint
    Start = 2,        // leader -> member: the training state to start from (checkpoint JSON)
    Refused = 3,      // leader -> member: why this member cannot join
    Contribution = 4, // member -> leader: step, this rank's gradient sums
    Sum = 5,          // leader -> member: step, the gang's gradient sums
}
