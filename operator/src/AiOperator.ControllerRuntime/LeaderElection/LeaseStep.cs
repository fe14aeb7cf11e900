namespace AiOperator.ControllerRuntime.LeaderElection;

/// <summary>What an elector does next with the lease it observed.</summary>
public enum LeaseStep
{
    Create,
    Renew,
    TakeOver,
    Follow,
}
