using System.Net;
using k8s.Models;

namespace AiOperator.ControllerRuntime.Client;

/// <summary>A non-success answer from the API server, with the Status it sent.</summary>
public sealed class KubeApiException : Exception
{
    public KubeApiException()
    {
    }

    public KubeApiException(string message)
        : base(message)
    {
    }

    public KubeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public KubeApiException(string method, string path, int statusCode, V1Status? status, TimeSpan? retryAfter = null)
        : base($"{method} {path} failed: {statusCode} {status?.Reason} {status?.Message}".TrimEnd())
    {
        StatusCode = statusCode;
        Status = status;
        RetryAfter = retryAfter;
    }

    public int StatusCode { get; }

    public V1Status? Status { get; }

    public TimeSpan? RetryAfter { get; }

    public bool IsNotFound => StatusCode == (int)HttpStatusCode.NotFound;

    public bool IsConflict => StatusCode == (int)HttpStatusCode.Conflict;

    // 410 Gone, or a watch ERROR event whose Status says Expired: the resourceVersion is compacted away.
    public bool IsGone => StatusCode == (int)HttpStatusCode.Gone || Status?.Reason is "Expired" or "Gone";
}
