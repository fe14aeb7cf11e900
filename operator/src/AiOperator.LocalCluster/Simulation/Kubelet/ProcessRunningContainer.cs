using System.Diagnostics;
using System.Text;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

internal sealed class ProcessRunningContainer : IRunningContainer
{
    private const int MaxTerminationMessageBytes = 4096;
    private readonly Process _process;
    private readonly V1Container _container;
    private readonly string _podIp;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _env;
    private readonly string _terminationLog;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private readonly ProbeRunner _probes;
    private readonly TimeProvider _time;
    private readonly Task<ContainerExit> _exited;
    private int _stopping;

    public ProcessRunningContainer(Process process, V1Container container, string podIp, IReadOnlyList<KeyValuePair<string, string>> env, string terminationLog, string logPath, ProbeRunner probes, TimeProvider time)
    {
        _process = process;
        _container = container;
        _podIp = podIp;
        _env = env;
        _terminationLog = terminationLog;
        _probes = probes;
        _time = time;
        StartedAt = time.GetUtcNow();
        _log = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete), new UTF8Encoding(false)) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _exited = WaitAsync();
    }

    public string ContainerId { get; } = ContainerIds.New();

    public DateTimeOffset StartedAt { get; }

    public Task<ContainerExit> Exited => _exited;

    public int ProcessId => _process.Id;

    public async Task SuperviseAsync(Action<bool> setReady, CancellationToken ct)
    {
        using var exitOrStop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _ = _exited.ContinueWith(_ => exitOrStop.Cancel(), TaskScheduler.Default);
        // Readiness and liveness wait until the startup probe has succeeded once; a startup probe that
        // fails failureThreshold times in a row restarts the container, as the kubelet does.
        if (_container.StartupProbe is { } startup && !await StartupSucceededAsync(startup, exitOrStop.Token))
        {
            return;
        }

        var tasks = new List<Task>();
        if (_container.ReadinessProbe is { } readiness)
        {
            tasks.Add(Guard(ProbeLoop.RunAsync(readiness, c => _probes.RunAsync(readiness, _container, _podIp, _env, c), (ok, _) => setReady(ok), initial: false, _time, exitOrStop.Token)));
        }
        else
        {
            // No readiness probe: ready as soon as it runs, as in Kubernetes.
            setReady(true);
        }

        if (_container.LivenessProbe is { } liveness)
        {
            tasks.Add(Guard(ProbeLoop.RunAsync(liveness, c => _probes.RunAsync(liveness, _container, _podIp, _env, c), (ok, why) =>
            {
                if (!ok)
                {
                    Append($"[kubelet] liveness probe failed: {why}; restarting container");
                    _ = StopAsync(TimeSpan.FromSeconds(_container.LivenessProbe.TerminationGracePeriodSeconds ?? 30));
                }
            }, initial: true, _time, exitOrStop.Token)));
        }

        await Task.WhenAll(tasks);
    }

    private async Task<bool> StartupSucceededAsync(V1Probe startup, CancellationToken ct)
    {
        using var settled = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var verdict = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var loop = Guard(ProbeLoop.RunAsync(startup, c => _probes.RunAsync(startup, _container, _podIp, _env, c), (ok, why) =>
        {
            if (!ok)
            {
                Append($"[kubelet] startup probe failed {Math.Max(1, startup.FailureThreshold ?? 3)} times: {why}; restarting container");
                _ = StopAsync(TimeSpan.FromSeconds(startup.TerminationGracePeriodSeconds ?? 30));
            }

            verdict.TrySetResult(ok);
            settled.Cancel();
        }, initial: false, _time, settled.Token));
        await loop;
        return verdict.Task.IsCompletedSuccessfully && verdict.Task.Result;
    }

    public async Task StopAsync(TimeSpan grace)
    {
        if (_exited.IsCompleted)
        {
            return;
        }

        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            try
            {
                _ = NativeMethods.Kill(_process.Id, NativeMethods.SigTerm);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
        }

        try
        {
            await _exited.WaitAsync(grace, _time);
        }
        catch (TimeoutException)
        {
            KillNow();
            await _exited;
        }
    }

    public async ValueTask DisposeAsync()
    {
        KillNow();
        try
        {
            await _exited;
        }
        finally
        {
            _process.Dispose();
            lock (_logLock)
            {
                _log.Dispose();
            }
        }
    }

    private void KillNow()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    private async Task<ContainerExit> WaitAsync()
    {
        await _process.WaitForExitAsync();
        var code = _process.ExitCode;
        var message = ReadTerminationMessage(code);
        Append(null);
        return new ContainerExit(code, code == 0 ? "Completed" : "Error", message, StartedAt, _time.GetUtcNow(), ContainerId);
    }

    // terminationMessagePath maps to AIOP_TERMINATION_LOG; FallbackToLogsOnError uses the log tail.
    private string? ReadTerminationMessage(int code)
    {
        if (File.Exists(_terminationLog))
        {
            var bytes = File.ReadAllBytes(_terminationLog);
            var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, MaxTerminationMessageBytes));
            if (text.Length > 0)
            {
                return text;
            }
        }

        if (code != 0 && _container.TerminationMessagePolicy == "FallbackToLogsOnError")
        {
            lock (_logLock)
            {
                _log.Flush();
            }

            var path = ((FileStream)_log.BaseStream).Name;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(80);
            var tail = string.Join('\n', lines);
            return tail.Length > 2048 ? tail[^2048..] : tail;
        }

        return null;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private static async Task Guard(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
