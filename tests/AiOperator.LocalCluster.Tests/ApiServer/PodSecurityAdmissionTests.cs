using k8s;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer;

// The PodSecurity admission plugin over real requests: enforce refuses pods, warn answers with a Warning
// header kubectl prints as written, and workloads are let in (their pods are what enforce refuses).
public sealed class PodSecurityAdmissionTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private async Task<string> LabelledNamespaceAsync(string enforce, string warn)
    {
        var ns = await fixture.NewNamespaceAsync();
        var current = await fixture.Client.CoreV1.ReadNamespaceAsync(ns);
        current.Metadata.Labels = new Dictionary<string, string>
        {
            ["pod-security.kubernetes.io/enforce"] = enforce,
            ["pod-security.kubernetes.io/warn"] = warn,
        };
        await fixture.Client.CoreV1.ReplaceNamespaceAsync(current, ns);
        return ns;
    }

    private static V1Pod Compliant(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec
        {
            SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
            Containers =
            [
                new V1Container
                {
                    Name = "main",
                    Image = "busybox",
                    SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false, Capabilities = new V1Capabilities { Drop = ["ALL"] } },
                },
            ],
        },
    };

    [Fact]
    public async Task Enforce_refuses_a_pod_that_breaks_the_level_and_admits_one_that_meets_it()
    {
        var ns = await LabelledNamespaceAsync("restricted", "privileged");

        var (code, status) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("plain", null), ns));
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(Compliant("ok"), ns);

        Assert.Equal(403, code);
        Assert.StartsWith("pods \"plain\" is forbidden: violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"main\"", (string?)status["message"], StringComparison.Ordinal);
        Assert.Equal(["ok"], (await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Select(p => p.Metadata.Name));
    }

    [Fact]
    public async Task Warn_lets_a_workload_in_with_a_warning_whose_quotes_survive()
    {
        var ns = await LabelledNamespaceAsync("restricted", "baseline");
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { HostNetwork = true, Containers = [new V1Container { Name = "main", Image = "busybox" }] },
                },
            },
        };

        using var response = await fixture.Client.AppsV1.CreateNamespacedDeploymentWithHttpMessagesAsync(deployment, ns);

        Assert.Equal("299 - \"would violate PodSecurity \\\"baseline:latest\\\": host namespaces (hostNetwork=true)\"", Assert.Single(response.Response.Headers.GetValues("Warning")));
        Assert.Single((await fixture.Client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items);
    }

    [Fact]
    public async Task Labelling_a_namespace_warns_about_the_pods_already_there_that_break_the_new_level_and_keeps_them()
    {
        var ns = await fixture.NewNamespaceAsync();
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("plain-a", null), ns);
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(Pods.Simple("plain-b", null), ns);
        await fixture.Client.CoreV1.CreateNamespacedPodAsync(Compliant("ok"), ns);
        var current = await fixture.Client.CoreV1.ReadNamespaceAsync(ns);
        current.Metadata.Labels = new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "restricted" };

        using var response = await fixture.Client.CoreV1.ReplaceNamespaceWithHttpMessagesAsync(current, ns);

        Assert.Equal(
        [
            $"299 - \"existing pods in namespace \\\"{ns}\\\" violate the new PodSecurity enforce level \\\"restricted:latest\\\"\"",
            "299 - \"plain-a, plain-b: allowPrivilegeEscalation != false, runAsNonRoot != true, seccompProfile, unrestricted capabilities\"",
        ], response.Response.Headers.GetValues("Warning"));
        Assert.Equal(3, (await fixture.Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count);
    }

    [Fact]
    public async Task A_label_that_names_no_level_or_version_is_refused_naming_the_label()
    {
        var ns = await fixture.NewNamespaceAsync();
        var current = await fixture.Client.CoreV1.ReadNamespaceAsync(ns);
        current.Metadata.Labels = new Dictionary<string, string>
        {
            ["pod-security.kubernetes.io/enforce"] = "strict",
            ["pod-security.kubernetes.io/warn-version"] = "1.32",
        };

        var (code, status) = await ApiServerFixture.FailureAsync(() => fixture.Client.CoreV1.ReplaceNamespaceAsync(current, ns));

        Assert.Equal(422, code);
        Assert.Contains("metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must be one of privileged, baseline, restricted", (string?)status["message"], StringComparison.Ordinal);
        Assert.Contains("metadata.labels[pod-security.kubernetes.io/warn-version]", (string?)status["message"], StringComparison.Ordinal);
    }
}
