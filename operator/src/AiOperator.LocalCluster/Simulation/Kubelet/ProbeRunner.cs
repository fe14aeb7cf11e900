using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using k8s.Models;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// One probe attempt, as the kubelet runs it: httpGet (2xx/3xx succeed), tcpSocket (connects), grpc
// (grpc.health.v1 answers SERVING) or exec (exit code 0), each within timeoutSeconds. Returns null on
// success, else why it failed.
internal sealed class ProbeRunner(TimeProvider time) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero, AllowAutoRedirect = false });

    public async Task<string?> RunAsync(V1Probe probe, V1Container container, string podIp, IReadOnlyList<KeyValuePair<string, string>> env, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Max(1, probe.TimeoutSeconds ?? 1)), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            if (probe.HttpGet is { } http)
            {
                var port = ResolvePort(http.Port, container);
                var host = string.IsNullOrEmpty(http.Host) ? podIp : http.Host;
                var scheme = (http.Scheme ?? "HTTP").ToLowerInvariant();
                var path = string.IsNullOrEmpty(http.Path) ? "/" : http.Path;
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{scheme}://{host}:{port}{(path.StartsWith('/') ? path : "/" + path)}"));
                request.Headers.ConnectionClose = true;
                request.Headers.UserAgent.ParseAdd("kube-probe/1.32");
                foreach (var header in http.HttpHeaders ?? [])
                {
                    request.Headers.TryAddWithoutValidation(header.Name, header.Value);
                }

                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                var code = (int)response.StatusCode;
                return code is >= 200 and < 400 ? null : $"HTTP probe failed with statuscode: {code}";
            }

            if (probe.TcpSocket is { } tcp)
            {
                using var client = new TcpClient(AddressFamily.InterNetwork);
                await client.ConnectAsync(string.IsNullOrEmpty(tcp.Host) ? podIp : tcp.Host, ResolvePort(tcp.Port, container), linked.Token);
                return null;
            }

            if (probe.Grpc is { } grpc)
            {
                return await GrpcHealthProbe.CheckAsync(_http, podIp, grpc.Port, grpc.Service ?? "", Math.Max(1, probe.TimeoutSeconds ?? 1), linked.Token);
            }

            if (probe.Exec is { Command.Count: > 0 } exec)
            {
                return await ExecAsync(exec.Command, env, linked.Token);
            }

            return "probe has no httpGet, tcpSocket, grpc or exec handler this kubelet supports";
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return probe.Grpc is not null
                ? $"timeout: health rpc did not complete within {probe.TimeoutSeconds ?? 1}s"
                : $"probe timed out after {probe.TimeoutSeconds ?? 1}s";
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or IOException or ContainerStartException or System.ComponentModel.Win32Exception)
        {
            return ex.Message;
        }
    }

    public void Dispose() => _http.Dispose();

    public static int ResolvePort(IntOrString port, V1Container container)
    {
        var text = port?.Value ?? string.Empty;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        return container.Ports?.FirstOrDefault(p => p.Name == text)?.ContainerPort
            ?? throw new ContainerStartException("ProbeError", $"probe port \"{text}\" names no port of container {container.Name}");
    }

    private static async Task<string?> ExecAsync(IList<string> command, IReadOnlyList<KeyValuePair<string, string>> env, CancellationToken ct)
    {
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new IOException($"could not start {command[0]}");
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            return process.ExitCode == 0 ? null : $"command exited with {process.ExitCode}: {(await output).Trim()}";
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
