namespace AiOperator.LocalCluster.ApiServer.Storage;

// Gone=true: the object no longer exists after the request (a finished delete).
internal sealed record WriteResult(StoredObject Object, int Code, bool Gone = false);
