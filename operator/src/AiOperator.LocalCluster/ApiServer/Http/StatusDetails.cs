using System.Text.Json.Nodes;

namespace AiOperator.LocalCluster.ApiServer.Http;

internal sealed record StatusDetails(string? Name, string? Group, string? Kind, IReadOnlyList<StatusCause>? Causes = null)
{
    public JsonObject ToJson(int? retryAfterSeconds)
    {
        var details = new JsonObject();
        if (!string.IsNullOrEmpty(Name))
        {
            details["name"] = Name;
        }

        if (Group is not null)
        {
            details["group"] = Group;
        }

        if (Kind is not null)
        {
            details["kind"] = Kind;
        }

        if (Causes is { Count: > 0 })
        {
            var causes = new JsonArray();
            foreach (var cause in Causes)
            {
                var entry = new JsonObject { ["reason"] = cause.Reason, ["message"] = cause.Message };
                if (cause.Field is not null)
                {
                    entry["field"] = cause.Field;
                }

                causes.Add(entry);
            }

            details["causes"] = causes;
        }

        if (retryAfterSeconds is { } retry)
        {
            details["retryAfterSeconds"] = retry;
        }

        return details;
    }
}
