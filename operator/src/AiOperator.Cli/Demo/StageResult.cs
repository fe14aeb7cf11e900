namespace AiOperator.Cli.Demo;

/// <summary>How one stage of the demo ended.</summary>
internal sealed record StageResult(string Stage, bool Passed, TimeSpan Took, string Detail);
