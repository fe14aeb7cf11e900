namespace AiOperator.LocalCluster.ApiServer.Schema;

internal enum ShapeKind
{
    Any,
    Scalar,
    Object,
    Map,
    List,
}
