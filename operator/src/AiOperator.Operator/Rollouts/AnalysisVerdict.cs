using AiOperator.Api.V1Alpha1;

namespace AiOperator.Operator.Rollouts;

/// <summary>One judgement of the canary's window, with the measured values in words.</summary>
internal sealed record AnalysisVerdict(AnalysisResult Result, string Message);
