namespace AiOperator.Cli.Tests.Walkthrough;

/// <summary>One README command, word for word, and how the test treats it.</summary>
internal sealed record ReadmeStep(string Command, StepKind Kind, string Expect = "", string Why = "");
