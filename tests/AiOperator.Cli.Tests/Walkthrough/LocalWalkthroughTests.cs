using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AiOperator.Cli.Tests.Walkthrough;

/// <summary>
/// The README's local walkthrough on a real `aiop local --samples` process with the machine's kubectl:
/// first every sample of config/samples applies on the fresh cluster and reaches what its comment
/// promises; then every command of the README is run as written (or, where it needs a real cluster or
/// would take the whole CI run, validated, with the reason in <see cref="Steps"/>).
/// </summary>
[TestCaseOrderer(StepOrderer.Name, StepOrderer.Assembly)]
public sealed partial class LocalWalkthroughTests(LocalWalkthrough local) : IClassFixture<LocalWalkthrough>
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(6);

    private const string DemoCommand = "dotnet build AiOperator.sln && dotnet run --project operator/src/AiOperator.Cli --no-build -- demo";

    /// <summary>Every command of the README in order, word for word: a README edit must come with an edit here.</summary>
    private static readonly ReadmeStep[] Steps =
    [
        new(DemoCommand, StepKind.Demo, Why: "the full demo takes about 3 minutes; CI runs it on its own"),
        new("dotnet run --project operator/src/AiOperator.Cli --no-build -- local --samples --kubeconfig ./local.kubeconfig --state-dir ./.state", StepKind.Local),
        new("bash .ci/setup && ./test.sh", StepKind.Validated, Why: "the whole test suite, this test included (what .ci/run runs on CI)"),
        new("export KUBECONFIG=$PWD/local.kubeconfig", StepKind.Export),
        new("kubectl apply -k config/samples", StepKind.Run, "modeldeployment.aioperator.dev/resnet"),
        new("kubectl get ai -A", StepKind.Run, "mlp-train"),
        new("kubectl wait --for=condition=Ready mdep --all -n vision --timeout=300s", StepKind.Run, "resnet-mig condition met"),
        new("kubectl describe mdep resnet -n vision", StepKind.Run, "Stable Revision"),
        new("kubectl logs -n vision -l aioperator.dev/model-deployment=resnet --tail=5", StepKind.Run, "Model resnet18 version 3 ready"),
        new("curl -s http://$(kubectl get svc resnet -n vision -o jsonpath='{.spec.clusterIP}')/v2/models/resnet18", StepKind.Run, "\"resnet18\""),
        new("kubectl wait --for=jsonpath='{.status.phase}'=Succeeded tj/mlp-train -n tabular --timeout=300s", StepKind.Run, "condition met"),
        new("kubectl wait --for=condition=Ready mdep --all -n tabular --timeout=300s", StepKind.Run, "mlp-latest condition met"),
        new("kubectl get tj,mdep -n tabular", StepKind.Run, "Succeeded"),
        new("kubectl auth can-i create deployments -n vision --as system:serviceaccount:ai-operator-system:ai-operator-controller-manager", StepKind.Run, "yes"),
        new("kubectl auth can-i get secrets -n vision --as system:serviceaccount:ai-operator-system:ai-operator-controller-manager", StepKind.Denied, "no"),
        new("helm install ai-operator charts/ai-operator --namespace ai-operator-system --create-namespace --set modelServer.image=ghcr.io/aioperator/model-server:0.1.0", StepKind.Validated,
            Why: "needs helm and a real cluster; the chart and its value are checked here, HelmChartTests renders it"),
        new("kubectl apply --server-side -k config/crd", StepKind.Validated, Why: "aiop local installs the CRDs itself; the kustomization is built here"),
        new("kubectl apply -k config/default", StepKind.Validated, Why: "would add a second (simulated) operator Deployment; the kustomization is built here"),
        new("kubectl apply -k config/samples", StepKind.Run, "modeldeployment.aioperator.dev/resnet"),
        new("kubectl annotate mdep/resnet -n vision aioperator.dev/promote=step", StepKind.DryRunServer, Why: "steers a rollout in progress; resnet has none"),
        new("kubectl annotate mdep/resnet -n vision aioperator.dev/abort=true", StepKind.DryRunServer, Why: "steers a rollout in progress; resnet has none"),
        new("kubectl annotate mdep/resnet -n vision aioperator.dev/rollback-to=3-7f9c2d", StepKind.DryRunServer, Why: "names an example revision"),
        new("kubectl get mdep -n vision -o wide", StepKind.Run, "STABLE"),
        new("kubectl wait --for=condition=Progressing=False mdep/resnet -n vision --timeout=900s", StepKind.Run, "resnet condition met"),
        new("kubectl get mdep/resnet -n vision -o jsonpath='{.status.phase}'", StepKind.Run, "Ready"),
        new("aiop get mdep -A", StepKind.Run, "resnet-rollout"),
        new("aiop get mdep resnet -n vision --watch", StepKind.Watch, "stable"),
        new("aiop get tj mlp-train -n tabular", StepKind.Run, "mlp-train"),
        new("aiop promote resnet -n vision [--full]", StepKind.Validated, Why: "syntax with an optional flag; the canary block below runs promote --full"),
        new("aiop abort resnet -n vision", StepKind.Validated, Why: "needs a canary in progress; AdminCommandsTests runs it"),
        new("aiop rollback resnet -n vision --to 3-7f9c2d", StepKind.Validated, Why: "names an example revision; AdminCommandsTests runs rollback"),
        new("aiop pause resnet -n vision", StepKind.Validated, Why: "would freeze the sample; AdminCommandsTests runs pause/resume"),
        new("mkdir -p ~/.local/bin", StepKind.Run),
        new("printf '#!/bin/sh\\nexec dotnet %s \"$@\"\\n' \"$PWD/operator/src/AiOperator.Cli/bin/Debug/net10.0/aiop.dll\" > ~/.local/bin/kubectl-aiop", StepKind.Run),
        new("chmod +x ~/.local/bin/kubectl-aiop", StepKind.Run),
        new("kubectl aiop get mdep resnet -n vision --watch", StepKind.Watch, "stable"),
        new("kubectl patch mdep resnet-rollout -n vision --type merge -p '{\"spec\":{\"model\":{\"version\":\"4\",\"uri\":\"pvc://models/resnet18/4/model.onnx\"}}}'", StepKind.Run, "patched"),
        new("kubectl aiop get mdep resnet-rollout -n vision --watch", StepKind.Watch, "canary weight"),
        new("kubectl aiop promote resnet-rollout -n vision --full", StepKind.Run),
        new("dotnet run --project operator/src/AiOperator.Cli -- crds --output crds --copy-to config/crd/bases --copy-to charts/ai-operator/crds", StepKind.Validated,
            Why: "rewrites checked-in files; CrdGeneratorTests fails when they are stale"),
        new("dotnet run --project operator/src/AiOperator.Cli -- rbac", StepKind.Validated, Why: "rewrites checked-in files; the RBAC tests fail when they are stale"),
        new("tests/gpu/pack.sh", StepKind.Validated, Why: "publishes a self-contained payload for a GPU machine (tests/gpu/README.md)"),
        new("tests/gpu/.payload/bin/check.sh tests/gpu/.payload/bin ./gpu-report", StepKind.Validated, Why: "needs an NVIDIA GPU; never part of the default tests"),
    ];

    [Fact]
    [Step(1)]
    public async Task Samples_apply_on_the_fresh_cluster_and_each_reaches_what_its_comment_promises()
    {
        var promises = SamplePromise.Read(Path.Combine(Checkout.Root, "config", "samples"));
        Assert.Equal(7, promises.Count);

        var applied = await local.KubectlAsync("apply -k config/samples", Short);
        Assert.True(applied.ExitCode == 0, applied.Describe());

        var deadline = Stopwatch.StartNew();
        foreach (var promise in promises)
        {
            var left = (int)Math.Max(1, (Long - deadline.Elapsed).TotalSeconds);
            var condition = promise.State == "Ready" ? "condition=Ready" : "jsonpath='{.status.phase}'=Succeeded";
            var wait = await local.KubectlAsync($"wait --for={condition} {promise.Resource} -n {promise.Namespace} --timeout={left}s", TimeSpan.FromSeconds(left + 30));
            if (wait.ExitCode != 0)
            {
                var seen = await local.KubectlAsync($"get {promise.Resource} -n {promise.Namespace} -o yaml", Short);
                Assert.Fail($"{promise.File}: {promise.Resource} did not reach {promise.State} within {Long.TotalMinutes} min\n{wait.Describe()}\n{seen.Stdout}");
            }

            if (promise.Ready is not null)
            {
                var ready = await local.KubectlAsync($"get {promise.Resource} -n {promise.Namespace} -o jsonpath={{.status.ready}}", Short);
                Assert.True(ready.Stdout == promise.Ready, $"{promise.File}: ready {ready.Stdout}, its comment promises {promise.Ready}");
            }

            if (promise.Kind == "TrainingJob")
            {
                var accuracy = await local.KubectlAsync($"get {promise.Resource} -n {promise.Namespace} -o jsonpath={{.status.outputModel.metrics.accuracy}}", Short);
                Assert.True(double.TryParse(accuracy.Stdout, System.Globalization.CultureInfo.InvariantCulture, out var a) && a >= 0.9, $"{promise.File}: accuracy '{accuracy.Stdout}'");
            }
        }

        // The MIG sample runs on the MIG node --samples adds; the CPU sample on CPU nodes.
        var mig = await local.KubectlAsync("get pods -n vision -l aioperator.dev/model-deployment=resnet-mig -o jsonpath={.items[*].spec.nodeName}", Short);
        Assert.All(mig.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries), n => Assert.Equal("mig-node-0", n));
        var cpu = await local.KubectlAsync("get pods -n tabular -l aioperator.dev/model-deployment=mlp-cpu -o jsonpath={.items[*].spec.nodeName}", Short);
        Assert.All(cpu.Stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries), n => Assert.StartsWith("cpu-node-", n, StringComparison.Ordinal));
    }

    [Fact]
    [Step(2)]
    public async Task Every_readme_command_is_run_or_validated()
    {
        var readme = local.Readme;
        Assert.Equal(DemoCommand, readme[0]);
        for (var i = 0; i < Math.Max(readme.Count, Steps.Length); i++)
        {
            Assert.True(i < readme.Count && i < Steps.Length && readme[i] == Steps[i].Command,
                $"README command {i + 1} is `{(i < readme.Count ? readme[i] : "(none)")}`, this test expects `{(i < Steps.Length ? Steps[i].Command : "(none)")}`: update Steps with the README");
        }

        foreach (var step in Steps)
        {
            await RunAsync(step);
        }

        // The canary block's promote --full finishes the rollout: version 4 becomes the stable revision.
        await EventuallyAsync(
            async () => (await local.KubectlAsync("get mdep resnet-rollout -n vision -o jsonpath={.status.phase}/{.status.canaryRevision}/{.status.stableRevision}", Short)).Stdout,
            s => s.StartsWith("Ready//4-", StringComparison.Ordinal), "resnet-rollout promoted to version 4", Long);
    }

    private async Task RunAsync(ReadmeStep step)
    {
        var command = LocalWalkthrough.AsTested(step.Command);
        switch (step.Kind)
        {
            case StepKind.Demo:
                await SucceedsAsync("aiop demo --help", "--keep");
                break;
            case StepKind.Local:
                Assert.Equal(step.Command, local.LocalCommand);
                var root = Regex.Escape(local.Sandbox.Folder);
                Assert.Matches($@"samples: models for config/samples in {root}/\.state/pvcs \(vision/models/resnet18/3/model\.onnx, ", local.ReadyOutput);
                Assert.Matches($@"ready: api=https://127\.0\.0\.1:\d+ kubeconfig={root}/local\.kubeconfig operator=\S+ state={root}/\.state", local.ReadyOutput);
                var nodes = await SucceedsAsync("kubectl --kubeconfig ./local.kubeconfig get nodes -l nvidia.com/gpu.product=NVIDIA-H100-80GB-HBM3 -o name");
                Assert.Equal(2, nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
                break;
            case StepKind.Run:
                await SucceedsAsync(command, step.Expect);
                break;
            case StepKind.Denied:
                var denied = await local.Sandbox.RunAsync(command, Long);
                Assert.True(denied.ExitCode == 1 && denied.Stdout.Contains(step.Expect, StringComparison.Ordinal), denied.Describe());
                break;
            case StepKind.Export:
                var name = step.Command["export ".Length..step.Command.IndexOf('=', StringComparison.Ordinal)];
                local.Sandbox.SetVariable(name, await SucceedsAsync($"{command}; printf %s \"${name}\""));
                Assert.Equal(local.Kubeconfig, local.Sandbox.Variable(name));
                break;
            case StepKind.Watch:
                await using (var watch = local.Sandbox.Start(command))
                {
                    await watch.WaitForAsync(o => o.Contains(step.Expect, StringComparison.Ordinal), $"'{step.Expect}'", Long);
                }

                break;
            case StepKind.DryRunServer:
                Assert.False(string.IsNullOrEmpty(step.Why));
                await SucceedsAsync(command + " --dry-run=server", "(server dry run)");
                break;
            case StepKind.Validated:
                Assert.False(string.IsNullOrEmpty(step.Why), $"`{step.Command}` is not run and says no why");
                await ValidateAsync(step.Command);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step.Kind, null);
        }
    }

    // What a command that is not run names must exist and be what it says.
    private async Task ValidateAsync(string command)
    {
        switch (command.Split(' '))
        {
            case ["bash", ".ci/setup", ..]:
                Assert.True(File.Exists(Path.Combine(Checkout.Root, ".ci", "setup")), ".ci/setup is missing");
                if (!OperatingSystem.IsWindows())
                {
                    Assert.True(File.GetUnixFileMode(Path.Combine(Checkout.Root, "test.sh")).HasFlag(UnixFileMode.UserExecute), "test.sh is not executable");
                }

                break;
            case ["helm", "install", ..]:
                Assert.True(File.Exists(Path.Combine(Checkout.Root, "charts", "ai-operator", "Chart.yaml")), "charts/ai-operator/Chart.yaml is missing");
                Assert.Matches(@"(?m)^modelServer:\s*\n\s+image:", await File.ReadAllTextAsync(Path.Combine(Checkout.Root, "charts", "ai-operator", "values.yaml")));
                break;
            case ["kubectl", "apply", ..]:
                var folder = command.Split(' ').SkipWhile(w => w != "-k").Skip(1).First();
                var built = await SucceedsAsync($"kubectl kustomize {folder}");
                Assert.Contains(folder.EndsWith("crd", StringComparison.Ordinal) ? "kind: CustomResourceDefinition" : "kind: Deployment", built, StringComparison.Ordinal);
                break;
            case ["aiop", var verb, ..]:
                await SucceedsAsync($"aiop {verb} --help", "Usage:");
                break;
            case ["dotnet", "run", ..]:
                var sub = command.Split(" -- ")[1].Split(' ')[0];
                await SucceedsAsync($"aiop {sub} --help", "Usage:");
                break;
            case ["tests/gpu/pack.sh", ..] or ["tests/gpu/.payload/bin/check.sh", ..]:
                Assert.True(File.Exists(Path.Combine(Checkout.Root, "tests", "gpu", "pack.sh")), "tests/gpu/pack.sh is missing");
                Assert.True(File.Exists(Path.Combine(Checkout.Root, "tests", "gpu", "check.sh")), "tests/gpu/check.sh (copied into the payload) is missing");
                break;
            default:
                Assert.Fail($"no validation for `{command}`");
                break;
        }
    }

    private async Task<string> SucceedsAsync(string command, string expect = "")
    {
        var result = await local.Sandbox.RunAsync(command, Long);
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.True(result.Stdout.Contains(expect, StringComparison.Ordinal), $"expected '{expect}' in the output of {result.Describe()}");
        return result.Stdout;
    }

    private static async Task EventuallyAsync(Func<Task<string>> read, Func<string, bool> done, string what, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        var last = "";
        while (deadline.Elapsed < timeout)
        {
            last = await read();
            if (done(last))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));  // polling interval of a condition wait with a deadline
        }

        Assert.Fail($"{what}: not within {timeout.TotalSeconds:0} s; last seen '{last}'");
    }
}
