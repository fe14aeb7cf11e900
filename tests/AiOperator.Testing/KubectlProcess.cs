using System.Diagnostics;
using System.Text;

namespace AiOperator.Testing;

/// <summary>Runs the machine's real kubectl (installed at a fixed path) against a kubeconfig.</summary>
public static class KubectlProcess
{
    public const string KubectlPath = "/usr/bin/kubectl";
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs to the end; kills kubectl and fails when it outlives the timeout.</summary>
    public static async Task<KubectlResult> RunAsync(string kubeconfig, IEnumerable<string> args, string? home = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var arguments = args.ToList();
        using var process = Start(kubeconfig, arguments, home);
        using var cts = new CancellationTokenSource(limit);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kubectl {string.Join(' ', arguments)} did not finish within {limit}");
        }

        return new KubectlResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>
    /// Starts kubectl; the caller reads its output and disposes it (for long-running commands such as
    /// get --watch). With <paramref name="home"/>, HOME and the discovery cache live there, not in the user's.
    /// </summary>
    public static Process Start(string kubeconfig, IEnumerable<string> args, string? home = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!File.Exists(KubectlPath))
        {
            throw new FileNotFoundException($"kubectl is required by this test and was not found at {KubectlPath}");
        }

        var info = new ProcessStartInfo(KubectlPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(kubeconfig);
        if (home is not null)
        {
            info.ArgumentList.Add("--cache-dir");
            info.ArgumentList.Add(Path.Combine(home, "cache"));
            info.Environment["KUBECONFIG"] = kubeconfig;
            info.Environment["HOME"] = home;
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
    }
}
