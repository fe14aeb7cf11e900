namespace AiOperator.ModelServer.Protocol;

/// <summary>A request the server refuses, carrying the HTTP status Triton would answer with.</summary>
internal sealed class InferenceException(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public static InferenceException BadRequest(string message) => new(400, message);
}
