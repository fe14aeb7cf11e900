using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Schema;

namespace AiOperator.LocalCluster.ApiServer.Patching;

// patchMergeKey metadata of the built-in types (what the Go struct tags say; e.g. tolerations carry none,
// so they are replaced whole, which kubectl apply relies on to remove one) and, for custom
// resources, x-kubernetes-list-type/list-map-keys from the schema.
internal static class MergeKeys
{
    private static readonly Dictionary<string, string> BuiltinKeys = new(StringComparer.Ordinal)
    {
        ["containers"] = "name",
        ["initContainers"] = "name",
        ["ephemeralContainers"] = "name",
        ["volumes"] = "name",
        ["env"] = "name",
        ["imagePullSecrets"] = "name",
        ["volumeMounts"] = "mountPath",
        ["volumeDevices"] = "devicePath",
        ["ownerReferences"] = "uid",
        ["conditions"] = "type",
        ["hostAliases"] = "ip",
        ["topologySpreadConstraints"] = "topologyKey",
        ["resourceClaims"] = "name",
    };

    public static ListStrategy For(string field, JsonArray? original, JsonArray? incoming, StructuralSchema? schema, bool builtin, bool inMetadata)
    {
        if (inMetadata || builtin)
        {
            if (field == "finalizers")
            {
                return ListStrategy.Set;
            }

            if (field == "ports")
            {
                var sample = (incoming?.FirstOrDefault() ?? original?.FirstOrDefault()) as JsonObject;
                return new ListStrategy(ListStrategyKind.MergeByKey, sample?.ContainsKey("containerPort") == true ? "containerPort" : "port");
            }

            if (BuiltinKeys.TryGetValue(field, out var key) && (builtin || field == "ownerReferences"))
            {
                return new ListStrategy(ListStrategyKind.MergeByKey, key);
            }

            return ListStrategy.Atomic;
        }

        return schema?.ListType switch
        {
            "map" when schema.ListMapKeys.Count > 0 => new ListStrategy(ListStrategyKind.MergeByKey, schema.ListMapKeys[0]),
            "set" => ListStrategy.Set,
            _ => ListStrategy.Atomic,
        };
    }

    public static StructuralSchema? Child(StructuralSchema? schema, string field) =>
        schema?.Properties is not null && schema.Properties.TryGetValue(field, out var child) ? child : schema?.AdditionalProperties;
}
