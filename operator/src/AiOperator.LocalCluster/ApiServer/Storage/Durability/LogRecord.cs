namespace AiOperator.LocalCluster.ApiServer.Storage.Durability;

// One change to the store: the object as written at ResourceVersion, or its removal (Json null).
internal sealed record LogRecord(long ResourceVersion, ObjectRef Ref, byte[]? Json);
