namespace AiOperator.Cli.Tests.Walkthrough;

/// <summary>The order of a test in a class ordered by <see cref="StepOrderer"/>: later steps build on earlier ones' cluster state.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StepAttribute(int order) : Attribute
{
    public int Order { get; } = order;
}
