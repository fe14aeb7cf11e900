using System.ComponentModel;
using System.Diagnostics;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Runs the project's own images as real local processes: command + image args + the container's
// command/args, the resolved environment, stdout/stderr into the container log, bound to the pod's
// loopback IP through AIOP_POD_IP (the process must bind it itself; nothing is injected into args).
internal sealed class ProcessRuntime(ProcessImage image, Func<IReadOnlyDictionary<string, string>> dnsRecords, ProbeRunner probes, ProcessRegistry registry, TimeProvider time,
    Func<IReadOnlySet<string>>? pendingNames = null) : IContainerRuntime
{
    // How long a process waits for the pod names it refers to (e.g. MASTER_ADDR of a gang's rank 0) to get addresses.
    public static readonly TimeSpan PendingNameWait = TimeSpan.FromSeconds(30);

    public async Task<IRunningContainer> StartAsync(PodSandbox sandbox, V1Container container, int attempt, CancellationToken ct)
    {
        // Names are rewritten to addresses once, at start (there is no DNS server for processes), so a name a real
        // cluster would resolve moments later is waited for here, within a bound, as the process would retry it.
        var deadline = time.GetUtcNow() + PendingNameWait;
        var own = $"{(string.IsNullOrEmpty(sandbox.Pod.Spec?.Hostname) ? sandbox.Pod.Metadata.Name : sandbox.Pod.Spec.Hostname)}.{sandbox.Pod.Spec?.Subdomain}";
        while (pendingNames is not null && time.GetUtcNow() < deadline && RefersTo(container, pendingNames(), own))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct);
        }

        return Start(sandbox, container, attempt, ct);
    }

    // The pod's own name does not count: its address is this sandbox's, known before the API server hears of it.
    private static bool RefersTo(V1Container container, IReadOnlySet<string> names, string own) =>
        names.Count > 0 && (container.Env ?? []).Select(e => e.Value).Concat(container.Args ?? []).Concat(container.Command ?? [])
            .Any(value => value is not null && names.Any(name => !name.StartsWith(own, StringComparison.OrdinalIgnoreCase) && value.Contains(name, StringComparison.OrdinalIgnoreCase)));

    private ProcessRunningContainer Start(PodSandbox sandbox, V1Container container, int attempt, CancellationToken ct)
    {
        if (image.Unavailable is { } why)
        {
            throw new ContainerStartException("CreateContainerError", why);
        }

        var containerDir = sandbox.ContainerDirectory(container.Name);
        Directory.CreateDirectory(containerDir);
        var terminationLog = Path.Combine(containerDir, "termination-log");
        File.Delete(terminationLog);
        var dns = dnsRecords();
        var mounts = VolumePaths.Mounts(container, sandbox.VolumeHostPaths);
        var env = ContainerEnvironment.Build(new ContainerEnvironmentInputs(
            sandbox.Pod, container, sandbox.PodIp, sandbox.HostIp, dns, mounts, sandbox.ConfigMaps, sandbox.Secrets, sandbox.Directory, terminationLog, sandbox.PvcRoot));
        var args = ContainerEnvironment.Arguments(image.Args ?? [], container, env, sandbox.Pod.Metadata.NamespaceProperty, dns, mounts);

        var info = new ProcessStartInfo(image.Command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = containerDir,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Host settings that would make an ASP.NET Core process bind somewhere else than its pod IP.
        info.Environment.Remove("ASPNETCORE_URLS");
        info.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        info.Environment.Remove("DOTNET_URLS");
        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        var log = sandbox.LogPath(container.Name, attempt);
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new ContainerStartException("RunContainerError", $"could not start {image.Command}");
        }
        catch (Win32Exception ex)
        {
            throw new ContainerStartException("RunContainerError", $"failed to start \"{image.Command}\": {ex.Message}");
        }

        registry.Add(process, sandbox.Pod.Metadata.NamespaceProperty, sandbox.Pod.Metadata.Name);
        var running = new ProcessRunningContainer(process, container, sandbox.PodIp, env, terminationLog, log, probes, time);
        _ = running.Exited.ContinueWith(_ => registry.Remove(process), TaskScheduler.Default);
        return running;
    }
}
