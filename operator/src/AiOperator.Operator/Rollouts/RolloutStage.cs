namespace AiOperator.Operator.Rollouts;

/// <summary>Where a ModelDeployment's revisions stand after a rollout decision; the status projection maps it to phase and conditions.</summary>
internal enum RolloutStage
{
    /// <summary>No revision has ever been stable: the spec's revision comes up at full size.</summary>
    Deploying,

    /// <summary>The spec's revision is the stable one; older revisions hand over or sit at zero.</summary>
    Stable,

    /// <summary>A canary steps through its weights under analysis.</summary>
    Canary,

    /// <summary>Recreate strategy: the stable revision is scaled away, then the new one comes up.</summary>
    Recreating,

    /// <summary>spec.paused froze a rollout in progress (or one waiting to start).</summary>
    Paused,

    /// <summary>The canary failed its analysis and autoRollback is off: held at its step for a person to promote or abort.</summary>
    Held,

    /// <summary>The spec's revision failed and the stable one serves; stays so until the spec names another revision.</summary>
    RolledBack,
}
