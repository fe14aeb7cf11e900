namespace AiOperator.LocalCluster.ApiServer.Patching;

internal enum ListStrategyKind
{
    Atomic,
    MergeByKey,
    Set,
}
