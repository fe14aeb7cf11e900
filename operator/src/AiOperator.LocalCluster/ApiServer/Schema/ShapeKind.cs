namespace AiOperator.LocalCluster.ApiServer.Schema;

internal enum ShapeKind
{
    Any,
    Scalar,
    String,
    Integer,
    Number,
    Boolean,
    IntOrString,
    Quantity,
    Object,
    Map,
    List,
}
