namespace AiOperator.LocalCluster.ApiServer.Storage;

internal enum FieldValidation
{
    Ignore,
    Warn,
    Strict,
}
