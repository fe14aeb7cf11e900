using System.CommandLine;
using AiOperator.Cli.Commands;

var root = new RootCommand("aiop: the AiOperator command line (CRD and RBAC generation, local cluster)")
{
    CrdsCommand.Create(),
    RbacCommand.Create(),
    LocalCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
