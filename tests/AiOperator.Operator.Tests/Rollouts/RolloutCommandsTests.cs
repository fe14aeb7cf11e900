using AiOperator.Operator.Rollouts;

namespace AiOperator.Operator.Tests.Rollouts;

public sealed class RolloutCommandsTests
{
    [Fact]
    public void No_annotations_are_no_commands() => Assert.Same(RolloutCommands.None, RolloutCommands.Parse(new Dictionary<string, string> { ["other"] = "x" }));

    [Fact]
    public void Each_annotation_is_parsed_and_listed_for_removal()
    {
        var commands = RolloutCommands.Parse(new Dictionary<string, string>
        {
            [RolloutCommands.RollbackToAnnotation] = " 3-7f9c2d ",
            [RolloutCommands.PromoteAnnotation] = "full",
            [RolloutCommands.AbortAnnotation] = "true",
        });
        Assert.Equal(("3-7f9c2d", PromoteMode.Full, true), (commands.RollbackTo, commands.Promote, commands.Abort));
        Assert.Equal(3, commands.Present.Count);
        Assert.Empty(commands.Problems);
    }

    [Fact]
    public void Bad_values_are_problems_naming_the_annotation()
    {
        var commands = RolloutCommands.Parse(new Dictionary<string, string>
        {
            [RolloutCommands.RollbackToAnnotation] = "",
            [RolloutCommands.PromoteAnnotation] = "all",
            [RolloutCommands.AbortAnnotation] = "yes",
        });
        Assert.Equal((null, null, false), (commands.RollbackTo, commands.Promote, commands.Abort));
        Assert.Equal(3, commands.Problems.Count);
        Assert.Contains(commands.Problems, p => p.Contains("aioperator.dev/promote must be 'step' or 'full'", StringComparison.Ordinal));
    }
}
