using System.CommandLine;
using AiOperator.Cli.Commands;

var root = new RootCommand("aiop: the AiOperator command line (CRD generation, local cluster, demo)")
{
    CrdsCommand.Create(),
    LocalCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
