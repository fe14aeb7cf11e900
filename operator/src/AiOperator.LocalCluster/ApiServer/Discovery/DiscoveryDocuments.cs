using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Resources;

namespace AiOperator.LocalCluster.ApiServer.Discovery;

// Legacy (non-aggregated) discovery documents; kubectl and client-go accept them for every Accept.
internal static class DiscoveryDocuments
{
    public static JsonObject Versions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject GroupList(ResourceCatalog catalog)
    {
        var groups = new JsonArray();
        foreach (var group in Groups(catalog))
        {
            groups.Add(Group(catalog, group));
        }

        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? Group(ResourceCatalog catalog, string group)
    {
        var versions = catalog.All.Where(t => t.Group == group).Select(t => t.Version).Distinct().ToList();
        if (group.Length == 0 || versions.Count == 0)
        {
            return null;
        }

        var list = new JsonArray();
        foreach (var version in versions)
        {
            list.Add(new JsonObject { ["groupVersion"] = $"{group}/{version}", ["version"] = version });
        }

        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = list,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] },
        };
    }

    public static JsonObject? ResourceList(ResourceCatalog catalog, string group, string version)
    {
        var types = catalog.All.Where(t => t.Group == group && t.Version == version).ToList();
        if (types.Count == 0)
        {
            return null;
        }

        var resources = new JsonArray();
        foreach (var type in types)
        {
            var resource = new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = Strings(type.Verbs),
            };
            if (type.ShortNames.Count > 0)
            {
                resource["shortNames"] = Strings(type.ShortNames);
            }

            if (type.Categories.Count > 0)
            {
                resource["categories"] = Strings(type.Categories);
            }

            resources.Add(resource);
            if (type.HasStatus)
            {
                resources.Add(Sub(type, "status", "", type.Kind, ["get", "patch", "update"]));
            }

            if (type.Scale is not null)
            {
                resources.Add(Sub(type, "scale", "autoscaling", "Scale", ["get", "patch", "update"], "v1"));
            }

            if (type.HasLog)
            {
                resources.Add(Sub(type, "log", "", "Pod", ["get"]));
            }

            if (type.StoreKey == "/pods")
            {
                resources.Add(Sub(type, "binding", "", "Binding", ["create"]));
                resources.Add(Sub(type, "eviction", "policy", "Eviction", ["create"], "v1"));
                resources.Add(Sub(type, "portforward", "", "PodPortForwardOptions", ["create", "get"]));
            }

            if (type.StoreKey == "/serviceaccounts")
            {
                resources.Add(Sub(type, "token", "authentication.k8s.io", "TokenRequest", ["create"], "v1"));
            }
        }

        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    public static IReadOnlyList<string> Groups(ResourceCatalog catalog) =>
        catalog.All.Select(t => t.Group).Where(g => g.Length > 0).Distinct().ToList();

    private static JsonObject Sub(ResourceType type, string sub, string group, string kind, string[] verbs, string? version = null)
    {
        var node = new JsonObject
        {
            ["name"] = $"{type.Plural}/{sub}",
            ["singularName"] = "",
            ["namespaced"] = type.Namespaced,
            ["kind"] = kind,
            ["verbs"] = Strings(verbs),
        };
        if (group.Length > 0)
        {
            node["group"] = group;
            node["version"] = version;
        }

        return node;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray());
}
