using System.Diagnostics;
using AiOperator.Api.V1Alpha1;
using AiOperator.Cli.Commands;
using k8s;
using k8s.Models;

namespace AiOperator.Cli.Tests.Admin;

/// <summary>
/// The admin commands against a local cluster (no operator: the status is written by the test, as the
/// operator would), through the same command tree `aiop` and `kubectl aiop` run.
/// </summary>
public sealed class AdminCommandsTests : IAsyncLifetime
{
    private readonly ClusterFixture _fixture = new();
    private GenericClient _mdeps = null!;
    private string _ns = "";

    public async Task InitializeAsync()
    {
        await _fixture.InitializeAsync();
        _mdeps = new GenericClient(_fixture.Client, GroupVersion.Group, GroupVersion.Version, ModelDeployment.Plural, disposeClient: false);
        _ns = await _fixture.NewNamespaceAsync("admin");
        var md = Fixtures.Canary(_ns);
        var status = md.Status;
        md.Status = null;
        await _mdeps.CreateNamespacedAsync(md, _ns);
        await WriteStatusAsync(status!);
    }

    public async Task DisposeAsync()
    {
        _mdeps.Dispose();
        await _fixture.DisposeAsync();
    }

    [Fact]
    public async Task Get_shows_the_rollout_tree_and_a_list()
    {
        var (code, output, _) = await RunAsync("get", "mdep", "resnet", "-n", _ns);
        Assert.Equal(0, code);
        Assert.Contains("revision 4-a1b2c3  canary weight 20% step 1", output, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("get", "modeldeployments", "-n", _ns);
        Assert.Equal(0, code);
        Assert.Contains("resnet", output, StringComparison.Ordinal);
        Assert.Contains("4-a1b2c3", output, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("get", "mdep", "-A");
        Assert.Equal(0, code);
        Assert.Contains(_ns, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_of_a_missing_object_fails_naming_it()
    {
        var (code, _, error) = await RunAsync("get", "mdep", "nope", "-n", _ns);

        Assert.Equal(1, code);
        Assert.Contains($"ModelDeployment {_ns}/nope not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_to_an_unknown_revision_fails_and_writes_nothing()
    {
        var before = await _mdeps.ReadNamespacedAsync<ModelDeployment>(_ns, "resnet");

        var (code, _, error) = await RunAsync("rollback", "resnet", "--to", "9-deadbe", "-n", _ns);

        Assert.Equal(1, code);
        Assert.Contains("revision 9-deadbe is not in status.revisions", error, StringComparison.Ordinal);
        var after = await _mdeps.ReadNamespacedAsync<ModelDeployment>(_ns, "resnet");
        Assert.Equal(before.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Promote_abort_rollback_write_the_annotations_and_pause_writes_the_spec()
    {
        Assert.Equal(0, (await RunAsync("promote", "resnet", "--full", "-n", _ns)).Code);
        Assert.Equal("full", (await AnnotationsAsync())["aioperator.dev/promote"]);

        Assert.Equal(0, (await RunAsync("abort", "resnet", "-n", _ns)).Code);
        Assert.Equal("true", (await AnnotationsAsync())["aioperator.dev/abort"]);

        Assert.Equal(0, (await RunAsync("rollback", "resnet", "--to", "2-0c0ffe", "-n", _ns)).Code);
        Assert.Equal("2-0c0ffe", (await AnnotationsAsync())["aioperator.dev/rollback-to"]);

        Assert.Equal(0, (await RunAsync("pause", "resnet", "-n", _ns)).Code);
        Assert.True((await _mdeps.ReadNamespacedAsync<ModelDeployment>(_ns, "resnet")).Spec.Paused);
        Assert.Equal(0, (await RunAsync("resume", "resnet", "-n", _ns)).Code);
        Assert.False((await _mdeps.ReadNamespacedAsync<ModelDeployment>(_ns, "resnet")).Spec.Paused);
    }

    [Fact]
    public async Task Watch_follows_status_changes_until_cancelled()
    {
        var (console, output) = PlainText.Console();
        var sync = TextWriter.Synchronized(output);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        string Seen()
        {
            lock (sync)
            {
                return output.ToString();
            }
        }

        var watching = AiopCommand.Create(console, TextWriter.Null)
            .Parse(["get", "mdep", "resnet", "-w", "-n", _ns, "--kubeconfig", _fixture.Cluster.KubeconfigPath]).InvokeAsync(cancellationToken: stop.Token);
        await Eventually.TrueAsync(() => Task.FromResult(Seen().Contains("weight 20%", StringComparison.Ordinal)), "first frame");

        var status = Fixtures.Canary(_ns).Status!;
        status.CanaryWeight = 50;
        status.CurrentStep = 1;
        await WriteStatusAsync(status);

        await Eventually.TrueAsync(() => Task.FromResult(Seen().Contains("weight 50% step 2", StringComparison.Ordinal)), "frame after the status change");
        await stop.CancelAsync();
        Assert.Equal(0, await watching);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Kubectl_runs_it_as_a_plugin()
    {
        const string kubectl = "/usr/bin/kubectl";
        Assert.True(File.Exists(kubectl), $"{kubectl} is required by this test and is missing");
        var status = Fixtures.Canary(_ns).Status!;
        status.Conditions = [.. status.Conditions ?? [], new V1Condition
        {
            Type = "ChildrenSynced", Status = "False", Reason = "NameConflict", LastTransitionTime = DateTime.UtcNow,
            Message = "Service resnet-canary exists and is not owned by this ModelDeployment; left untouched: delete or rename it",
        }];
        await WriteStatusAsync(status);
        var bin = Directory.CreateTempSubdirectory("aiop-plugin-");
        try
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "aiop.dll");
            var plugin = Path.Combine(bin.FullName, "kubectl-aiop");
            await File.WriteAllTextAsync(plugin, $"#!/bin/sh\nexec dotnet \"{dll}\" \"$@\"\n");
            File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var start = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "aiop", "get", "mdep", "resnet", "-n", _ns, "--kubeconfig", _fixture.Cluster.KubeconfigPath })
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment["PATH"] = bin.FullName + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await process.WaitForExitAsync(timeout.Token);

            Assert.True(process.ExitCode == 0, await stderr);
            Assert.Contains("revision 4-a1b2c3  canary weight 20% step 1", await stdout, StringComparison.Ordinal);

            // Captured output has no terminal: whole lines, as the same command renders 200 columns wide in-process,
            // not wrapped at Spectre.Console's default of 80.
            var (_, wide, _) = await RunAsync("get", "mdep", "resnet", "-n", _ns);
            Assert.Contains(wide.Split('\n'), line => line.TrimEnd().Length > 80);
            Assert.Equal(wide.ReplaceLineEndings().TrimEnd(), (await stdout).ReplaceLineEndings().TrimEnd());
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var (console, output) = PlainText.Console();
        using var error = new StringWriter();
        var code = await AiopCommand.Create(console, error).Parse([.. args, "--kubeconfig", _fixture.Cluster.KubeconfigPath]).InvokeAsync();
        return (code, output.ToString(), error.ToString());
    }

    private async Task<IDictionary<string, string>> AnnotationsAsync() =>
        (await _mdeps.ReadNamespacedAsync<ModelDeployment>(_ns, "resnet")).Metadata.Annotations ?? new Dictionary<string, string>();

    private async Task WriteStatusAsync(ModelDeploymentStatus status)
    {
        var patch = KubernetesJson.Serialize(new { status });
        await _fixture.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(patch, V1Patch.PatchType.MergePatch), GroupVersion.Group, GroupVersion.Version, _ns, ModelDeployment.Plural, "resnet");
    }
}
