using System.Globalization;
using AiOperator.LocalCluster.ApiServer.Schema;
using Microsoft.AspNetCore.Http;

namespace AiOperator.LocalCluster.ApiServer.Http;

// What a list or watch asks of the state it reads (resourceVersion, resourceVersionMatch,
// sendInitialEvents), checked as k8s.io/apimachinery's ValidateListOptions checks them: a combination
// kube-apiserver refuses is 422 on ListOptions.meta.k8s.io, with the same field errors.
internal sealed record ListConsistency(string ResourceVersion, string Match, bool? SendInitialEvents)
{
    public const string Exact = "Exact";
    public const string NotOlderThan = "NotOlderThan";

    public static ListConsistency Read(IQueryCollection query, bool watch)
    {
        var options = new ListConsistency(
            QueryParameters.String(query, "resourceVersion"),
            QueryParameters.String(query, "resourceVersionMatch"),
            query.ContainsKey("sendInitialEvents") ? QueryParameters.Bool(query, "sendInitialEvents") : null);
        var continuing = QueryParameters.String(query, "continue").Length > 0;
        var errors = watch ? options.WatchErrors(continuing) : options.ListErrors(continuing);
        if (errors.Count > 0)
        {
            throw ApiErrors.Invalid("meta.k8s.io", "ListOptions", "", errors);
        }

        return options;
    }

    // The version the answer must be at least as new as: resourceVersion=N (N > 0), unless Exact.
    public long? NotOlderThanVersion => Match != Exact && ResourceVersion is { Length: > 0 } and not "0" ? Parse(ResourceVersion) : null;

    public long? ExactVersion => Match == Exact ? Parse(ResourceVersion) : null;

    private List<FieldError> ListErrors(bool continuing)
    {
        var errors = new List<FieldError>();
        if (Match.Length > 0)
        {
            if (ResourceVersion.Length == 0)
            {
                errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"));
            }

            if (continuing)
            {
                errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
            }

            if (Match is not (Exact or NotOlderThan))
            {
                errors.Add(FieldError.NotSupported("resourceVersionMatch", $"\"{Match}\"", ["\"Exact\"", "\"NotOlderThan\"", "\"\""]));
            }

            if (Match == Exact && ResourceVersion == "0")
            {
                errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
            }
        }

        if (SendInitialEvents is not null)
        {
            errors.Add(FieldError.Forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"));
        }

        return errors;
    }

    private List<FieldError> WatchErrors(bool continuing)
    {
        var errors = new List<FieldError>();
        if (SendInitialEvents is not null && Match != NotOlderThan)
        {
            errors.Add(FieldError.Forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
        }

        if (Match.Length > 0)
        {
            if (SendInitialEvents is null)
            {
                errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
            }

            if (Match != NotOlderThan)
            {
                errors.Add(FieldError.NotSupported("resourceVersionMatch", $"\"{Match}\"", ["\"NotOlderThan\""]));
            }

            if (continuing)
            {
                errors.Add(FieldError.Forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"));
            }
        }

        return errors;
    }

    private static long Parse(string resourceVersion) =>
        long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ApiErrors.BadRequest($"invalid resource version: {resourceVersion}");
}
