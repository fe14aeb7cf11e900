using System.CommandLine;
using AiOperator.Operator.Rbac;

namespace AiOperator.Cli.Commands;

/// <summary><c>aiop rbac</c>: writes the operator's RBAC rules (config/rbac, the chart's rule templates) from the one list in code.</summary>
internal static class RbacCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root")
        {
            Description = "Repository root holding config/rbac and charts/ai-operator",
            DefaultValueFactory = _ => ".",
        };

        var command = new Command("rbac", "Generate the operator's RBAC rules (config/rbac, charts/ai-operator) from the rules in code") { root };
        command.SetAction(result =>
        {
            foreach (var file in RbacManifests.Write(result.GetValue(root)!))
            {
                Console.WriteLine($"wrote {file}");
            }

            return 0;
        });
        return command;
    }
}
