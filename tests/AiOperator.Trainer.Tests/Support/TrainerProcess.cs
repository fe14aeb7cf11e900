using System.Diagnostics;
using System.Text;

namespace AiOperator.Trainer.Tests.Support;

/// <summary>The real aiop-trainer executable as a child process, so exit codes, kills and files are real.</summary>
internal sealed class TrainerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private TrainerProcess(Process process) => _process = process;

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public bool HasExited => _process.HasExited;

    public static TrainerProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aiop-trainer.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Only what the test sets: nothing from the test runner's own environment leaks into the gang.
        foreach (var name in new[] { "WORLD_SIZE", "RANK", "NODE_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "CHECKPOINT_DIR", "OUTPUT_PATH", "TERMINATION_MESSAGE_PATH", "AIOP_TERMINATION_LOG" })
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        var trainer = new TrainerProcess(process);
        process.OutputDataReceived += (_, e) => trainer.Append(e.Data);
        process.ErrorDataReceived += (_, e) => trainer.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return trainer;
    }

    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"trainer did not exit within {timeout}; output:\n{Output}");
        }

        _process.WaitForExit();   // drains the redirected output
        return _process.ExitCode;
    }

    public async Task WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!Output.Split('\n').Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
        {
            if (_process.HasExited && !Output.Split('\n').Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
            {
                _process.WaitForExit();
                if (!Output.Split('\n').Any(l => l.StartsWith(prefix, StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException($"trainer exited ({_process.ExitCode}) before logging '{prefix}':\n{Output}");
                }

                return;
            }

            try
            {
                await poll.WaitForNextTickAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no line starting '{prefix}' within {timeout}:\n{Output}");
            }
        }
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
