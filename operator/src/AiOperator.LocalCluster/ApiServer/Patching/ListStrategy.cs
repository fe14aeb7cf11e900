namespace AiOperator.LocalCluster.ApiServer.Patching;

// How a list merges: replaced whole, merged item by item on a key, or as a set of scalars.
internal sealed record ListStrategy(ListStrategyKind Kind, string? Key = null)
{
    public static readonly ListStrategy Atomic = new(ListStrategyKind.Atomic);
    public static readonly ListStrategy Set = new(ListStrategyKind.Set);
}
