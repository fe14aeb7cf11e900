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

    // 504 "Too large resource version": the server has not reached the version asked for. It answers so when
    // that version is not coming (a restored etcd, a lagging replica that stays behind); client-go's reflector
    // lists afresh rather than asking again from the same version.
    public bool IsTooLargeResourceVersion => StatusCode == (int)HttpStatusCode.GatewayTimeout
        && (Status?.Details?.Causes?.Any(c => c.Reason == "ResourceVersionTooLarge") == true
            || Status?.Message?.Contains("Too large resource version", StringComparison.Ordinal) == true);
}
