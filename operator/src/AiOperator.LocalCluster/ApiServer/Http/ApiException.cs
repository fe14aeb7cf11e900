using System.Text.Json.Nodes;

namespace AiOperator.LocalCluster.ApiServer.Http;

// Thrown anywhere in request handling; the handler turns it into a Kubernetes Status body.
internal sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, StatusDetails? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }

    public string Reason { get; }

    public StatusDetails? Details { get; }

    public int? RetryAfterSeconds { get; init; }

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.ToJson(RetryAfterSeconds);
        }
        else if (RetryAfterSeconds is { } retry)
        {
            status["details"] = new JsonObject { ["retryAfterSeconds"] = retry };
        }

        status["code"] = Code;
        return status;
    }
}
