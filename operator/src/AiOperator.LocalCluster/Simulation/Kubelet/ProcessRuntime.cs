using System.ComponentModel;
using System.Diagnostics;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Runs the project's own images as real local processes: command + image args + the container's
// command/args, the resolved environment, stdout/stderr into the container log, bound to the pod's
// loopback IP through AIOP_POD_IP (the process must bind it itself; nothing is injected into args).
internal sealed class ProcessRuntime(ProcessImage image, Func<IReadOnlyDictionary<string, string>> dnsRecords, ProbeRunner probes, ProcessRegistry registry, TimeProvider time) : IContainerRuntime
{
    public Task<IRunningContainer> StartAsync(PodSandbox sandbox, V1Container container, int attempt, CancellationToken ct)
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

        registry.Add(process);
        var running = new ProcessRunningContainer(process, container, sandbox.PodIp, env, terminationLog, log, probes, time);
        _ = running.Exited.ContinueWith(_ => registry.Remove(process), TaskScheduler.Default);
        return Task.FromResult<IRunningContainer>(running);
    }
}
