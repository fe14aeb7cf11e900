using System.CommandLine;

namespace AiOperator.Cli.Admin;

/// <summary>kubectl's connection flags, so `kubectl aiop …` takes what `kubectl …` takes.</summary>
internal sealed class ClusterFlags
{
    public Option<string?> Kubeconfig { get; } = new("--kubeconfig") { Description = "Path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)" };

    public Option<string?> Context { get; } = new("--context") { Description = "The kubeconfig context to use" };

    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "Namespace (default: the context's namespace, then \"default\")" };

    public Option<bool> AllNamespaces { get; } = new("--all-namespaces", "-A") { Description = "List across all namespaces (get without a name only)" };

    public void AddTo(Command command, bool allNamespaces = false)
    {
        command.Options.Add(Kubeconfig);
        command.Options.Add(Context);
        command.Options.Add(Namespace);
        if (allNamespaces)
        {
            command.Options.Add(AllNamespaces);
        }
    }

    public ClusterConnection Connect(ParseResult result) =>
        ClusterConnection.Open(result.GetValue(Kubeconfig), result.GetValue(Context), result.GetValue(Namespace));
}
