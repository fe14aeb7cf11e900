using System.Text.Json.Nodes;

namespace AiOperator.LocalCluster.ApiServer.Storage;

// A committed object: the JSON tree (never mutated after commit) and its serialized bytes.
internal sealed record StoredObject(ObjectRef Ref, JsonObject Object, byte[] Json, long ResourceVersion);
