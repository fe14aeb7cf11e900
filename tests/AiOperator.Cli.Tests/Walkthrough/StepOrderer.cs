using Xunit.Abstractions;
using Xunit.Sdk;

namespace AiOperator.Cli.Tests.Walkthrough;

/// <summary>Runs a class's tests by their [Step] number (xunit's default order is unspecified).</summary>
public sealed class StepOrderer : ITestCaseOrderer
{
    public const string Name = "AiOperator.Cli.Tests.Walkthrough.StepOrderer";
    public const string Assembly = "AiOperator.Cli.Tests";

    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases)
        where TTestCase : ITestCase =>
        testCases.OrderBy(c => c.TestMethod.Method.GetCustomAttributes(typeof(StepAttribute).AssemblyQualifiedName).FirstOrDefault()?.GetConstructorArguments().Cast<int>().Single() ?? int.MaxValue);
}
