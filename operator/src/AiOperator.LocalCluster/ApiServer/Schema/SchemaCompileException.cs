namespace AiOperator.LocalCluster.ApiServer.Schema;

internal sealed class SchemaCompileException(string message) : Exception(message);
