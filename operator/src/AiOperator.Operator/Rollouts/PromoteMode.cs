namespace AiOperator.Operator.Rollouts;

/// <summary>What <c>aioperator.dev/promote</c> asks for: skip the current step's wait, or every remaining step.</summary>
internal enum PromoteMode
{
    Step,
    Full,
}
