using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AiOperator.Api.Tests.Install;

/// <summary>The kustomize bases build with the machine's kubectl and hold what a secure install needs.</summary>
public sealed class KustomizeTests
{
    private const string Kubectl = "/usr/bin/kubectl";

    [Fact]
    public void Default_overlay_builds_with_rbac_and_a_restricted_manager_but_no_crds()
    {
        var documents = Kustomize("config/default");
        string[] kinds = [.. documents.Select(d => (string)d["kind"]!)];

        // `kubectl delete -k config/default` must not take the CRDs, and every custom resource, with it.
        Assert.DoesNotContain("CustomResourceDefinition", kinds);
        Assert.Equal(2, Kustomize("config/crd").Count(d => (string)d["kind"]! == "CustomResourceDefinition"));
        Assert.Contains("ClusterRole", kinds);
        Assert.Contains("Role", kinds);
        Assert.Contains("ServiceAccount", kinds);

        var deployment = documents.Single(d => (string)d["kind"]! == "Deployment");
        Assert.Equal("ai-operator-system", (string)deployment["metadata"]!["namespace"]!);
        var pod = deployment["spec"]!["template"]!["spec"]!;
        Assert.True((bool)pod["securityContext"]!["runAsNonRoot"]!);
        Assert.Equal("RuntimeDefault", (string)pod["securityContext"]!["seccompProfile"]!["type"]!);
        var container = pod["containers"]![0]!;
        var security = container["securityContext"]!;
        Assert.False((bool)security["allowPrivilegeEscalation"]!);
        Assert.True((bool)security["readOnlyRootFilesystem"]!);
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("/healthz", (string)container["livenessProbe"]!["httpGet"]!["path"]!);
        Assert.Equal("/readyz", (string)container["readinessProbe"]!["httpGet"]!["path"]!);
        Assert.NotNull(container["resources"]!["limits"]!["memory"]);
    }

    [Fact]
    public void Manager_role_grants_no_wildcards_and_never_deletes_custom_resources()
    {
        var role = Kustomize("config/default").Single(d => (string)d["kind"]! == "ClusterRole" && ((string)d["metadata"]!["name"]!).EndsWith("manager-role", StringComparison.Ordinal));
        foreach (var rule in role["rules"]!.AsArray())
        {
            var verbs = rule!["verbs"]!.AsArray().Select(v => (string)v!).ToList();
            var resources = rule["resources"]!.AsArray().Select(v => (string)v!).ToList();
            Assert.DoesNotContain("*", verbs);
            Assert.DoesNotContain("*", resources);
            if (resources.Contains("modeldeployments"))
            {
                Assert.DoesNotContain("delete", verbs);
                Assert.DoesNotContain("create", verbs);
            }
        }
    }

    [Fact]
    public void Samples_and_prometheus_bases_build()
    {
        var samples = Kustomize("config/samples");
        Assert.Equal(7, samples.Count(d => ((string)d["apiVersion"]!).StartsWith("aioperator.dev/", StringComparison.Ordinal)));
        // Applies on a fresh cluster: the namespaces the samples use and their PriorityClass come with them.
        Assert.Equal(["tabular", "vision"], samples.Where(d => (string)d["kind"]! == "Namespace").Select(d => (string)d["metadata"]!["name"]!).Order(StringComparer.Ordinal));
        Assert.Single(samples, d => (string)d["kind"]! == "PriorityClass" && (string)d["metadata"]!["name"]! == "inference");
        Assert.Equal(["PodMonitor", "PrometheusRule", "ServiceMonitor"], Kustomize("config/prometheus").Select(d => (string)d["kind"]!).Order(StringComparer.Ordinal));
    }

    internal static List<JsonNode> Kustomize(string folder)
    {
        Assert.True(File.Exists(Kubectl), $"{Kubectl} is required for this test and is missing");
        var start = new ProcessStartInfo(Kubectl, ["kustomize", Path.Combine(RepositoryRoot.Path, folder)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "kubectl kustomize did not finish");
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {folder} failed: {stderr.Result}");
        return [.. stdout.Result.Split("\n---\n").Where(d => !string.IsNullOrWhiteSpace(d)).Select(d => YamlToJson.Convert(d)!)];
    }
}
