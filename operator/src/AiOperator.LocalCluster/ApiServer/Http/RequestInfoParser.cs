namespace AiOperator.LocalCluster.ApiServer.Http;

// Splits /api/v1/namespaces/{ns}/{resource}/{name}/{subresource} (and /apis/{group}/{version}/...) into parts.
internal static class RequestInfoParser
{
    private static readonly HashSet<string> NamespaceSubresources = new(StringComparer.Ordinal) { "status", "finalize" };

    public static RequestInfo Parse(string method, string path, bool watchParam)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var nonResource = new RequestInfo { Verb = method.ToLowerInvariant(), Path = path };
        if (parts.Length == 0)
        {
            return nonResource;
        }

        int index;
        string group;
        string version;
        if (parts[0] == "api")
        {
            if (parts.Length < 3)
            {
                return nonResource;
            }

            group = "";
            version = parts[1];
            index = 2;
        }
        else if (parts[0] == "apis")
        {
            if (parts.Length < 4)
            {
                return nonResource;
            }

            group = parts[1];
            version = parts[2];
            index = 3;
        }
        else
        {
            return nonResource;
        }

        var rest = parts[index..];
        var ns = "";
        if (rest[0] == "namespaces" && rest.Length > 1)
        {
            ns = rest[1];
            if (rest.Length > 2 && !NamespaceSubresources.Contains(rest[2]))
            {
                rest = rest[2..];
            }
            else
            {
                // /namespaces/{name}[/status]: the namespace object itself.
                rest = ["namespaces", .. rest[1..]];
                ns = "";
            }
        }

        var resource = rest[0];
        var name = rest.Length > 1 ? rest[1] : "";
        var subresource = rest.Length > 2 ? string.Join('/', rest[2..]) : "";
        var verb = method.ToUpperInvariant() switch
        {
            "GET" or "HEAD" => name.Length == 0 ? (watchParam ? "watch" : "list") : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name.Length == 0 ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };

        return new RequestInfo
        {
            Verb = verb,
            IsResourceRequest = true,
            Path = path,
            Group = group,
            Version = version,
            Namespace = ns,
            Resource = resource,
            Name = name,
            Subresource = subresource,
        };
    }
}
