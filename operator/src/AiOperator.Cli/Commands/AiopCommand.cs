using System.CommandLine;
using AiOperator.Cli.Admin;
using Spectre.Console;

namespace AiOperator.Cli.Commands;

/// <summary>The `aiop` command tree; also what `kubectl aiop` runs when installed as kubectl-aiop.</summary>
internal static class AiopCommand
{
    public static RootCommand Create(IAnsiConsole console, TextWriter error)
    {
        var root = new RootCommand("aiop: the AiOperator command line (CRD and RBAC generation, local cluster, demo, and the admin commands also usable as `kubectl aiop`)")
        {
            CrdsCommand.Create(),
            RbacCommand.Create(),
            LocalCommand.Create(),
            Demo.DemoCommand.Create(console),
            GetCommand.Create(console, error),
        };
        foreach (var command in RolloutCommands.Create(console, error))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}
