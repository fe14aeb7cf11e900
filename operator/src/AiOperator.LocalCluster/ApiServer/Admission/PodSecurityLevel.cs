namespace AiOperator.LocalCluster.ApiServer.Admission;

/// <summary>The Pod Security Standards' levels, each allowing less than the one before.</summary>
internal enum PodSecurityLevel
{
    Privileged,
    Baseline,
    Restricted,
}
