namespace AiOperator.Operator.Tests.EndToEnd;

/// <summary>One request of <see cref="ServiceLoad"/>: when it was sent and answered (since the load started) and what came back.</summary>
/// <param name="Status">The HTTP status, or null when no response came (connection refused or reset, timeout).</param>
/// <param name="Version">model_version of a successful answer.</param>
/// <param name="Error">The error body or exception message of a failed one.</param>
internal sealed record ServiceAnswer(TimeSpan SentAt, TimeSpan AnsweredAt, bool Ok, int? Status, string? Version, string? Error);
