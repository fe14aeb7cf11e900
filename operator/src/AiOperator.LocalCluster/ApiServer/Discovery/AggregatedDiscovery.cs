using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Resources;

namespace AiOperator.LocalCluster.ApiServer.Discovery;

// Aggregated discovery (apidiscovery.k8s.io/v2, and v2beta1 for older clients): every group, version
// and resource in one answer to GET /api or /apis, so kubectl and client-go discover in one or two
// requests instead of one per group-version. Built from the legacy documents, so both always agree.
internal static class AggregatedDiscovery
{
    private const string Group = "apidiscovery.k8s.io";

    // The aggregated version the Accept header asks for first (v2 or v2beta1), or null for legacy.
    public static string? Requested(string accept)
    {
        foreach (var range in accept.Split(',', StringSplitOptions.TrimEntries))
        {
            var parameters = range.Split(';', StringSplitOptions.TrimEntries);
            if (!parameters[0].Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || !parameters.Contains($"g={Group}") || !parameters.Contains("as=APIGroupDiscoveryList"))
            {
                continue;
            }

            if (parameters.Contains("v=v2"))
            {
                return "v2";
            }

            if (parameters.Contains("v=v2beta1"))
            {
                return "v2beta1";
            }
        }

        return null;
    }

    public static string ContentType(string version) => $"application/json;g={Group};v={version};as=APIGroupDiscoveryList";

    // legacy: /api (the core group) when true, else /apis (every named group).
    public static JsonObject Build(ResourceCatalog catalog, string version, bool legacy)
    {
        var items = new JsonArray();
        var groups = legacy ? [""] : DiscoveryDocuments.Groups(catalog);
        foreach (var group in groups)
        {
            var versions = new JsonArray();
            foreach (var groupVersion in catalog.All.Where(t => t.Group == group).Select(t => t.Version).Distinct())
            {
                var list = DiscoveryDocuments.ResourceList(catalog, group, groupVersion);
                if (list is null)
                {
                    continue;
                }

                versions.Add(new JsonObject
                {
                    ["version"] = groupVersion,
                    ["resources"] = Resources(list.Arr("resources") ?? [], group, groupVersion),
                    ["freshness"] = "Current",
                });
            }

            var metadata = new JsonObject { ["creationTimestamp"] = null };
            if (group.Length > 0)
            {
                metadata["name"] = group;
            }

            items.Add(new JsonObject { ["metadata"] = metadata, ["versions"] = versions });
        }

        return new JsonObject
        {
            ["kind"] = "APIGroupDiscoveryList",
            ["apiVersion"] = $"{Group}/{version}",
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    private static JsonArray Resources(JsonArray legacy, string group, string version)
    {
        var resources = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var ordered = new JsonArray();
        foreach (var entry in legacy.OfType<JsonObject>())
        {
            var name = entry.Str("name") ?? "";
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            var responseKind = new JsonObject
            {
                ["group"] = entry.Str("group") ?? group,
                ["version"] = entry.Str("version") ?? version,
                ["kind"] = entry.Str("kind"),
            };
            if (slash < 0)
            {
                var resource = new JsonObject
                {
                    ["resource"] = name,
                    ["responseKind"] = responseKind,
                    ["scope"] = JsonTree.IsTrue(entry["namespaced"]) ? "Namespaced" : "Cluster",
                    ["singularResource"] = entry.Str("singularName"),
                    ["verbs"] = entry["verbs"]?.DeepClone(),
                };
                foreach (var optional in new[] { "shortNames", "categories" })
                {
                    if (entry[optional] is { } values)
                    {
                        resource[optional] = values.DeepClone();
                    }
                }

                resources[name] = resource;
                ordered.Add(resource);
            }
            else if (resources.TryGetValue(name[..slash], out var parent))
            {
                if (parent["subresources"] is not JsonArray subresources)
                {
                    subresources = [];
                    parent["subresources"] = subresources;
                }

                subresources.Add(new JsonObject
                {
                    ["subresource"] = name[(slash + 1)..],
                    ["responseKind"] = responseKind,
                    ["verbs"] = entry["verbs"]?.DeepClone(),
                });
            }
        }

        return ordered;
    }
}
