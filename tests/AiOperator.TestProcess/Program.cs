using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using AiOperator.TestProcess;

if (args is ["--api-server", var stateDirectory])
{
    return await ApiServerMode.RunAsync(stateDirectory);
}

TestProcessOptions options;
try
{
    options = TestProcessOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}

var started = DateTimeOffset.UtcNow;
var podName = Environment.GetEnvironmentVariable("POD_NAME") ?? "unknown";
var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
Console.WriteLine($"test-process pid={Environment.ProcessId} pod={podName} listening on {options.Host}:{options.Port}");
foreach (var name in new[] { "GREETING", "UPSTREAM" })
{
    if (Environment.GetEnvironmentVariable(name) is { } value)
    {
        Console.WriteLine($"env {name}={value}");
    }
}

using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    if (options.IgnoreSigterm)
    {
        Console.WriteLine("received SIGTERM, ignoring it");
        return;
    }

    Console.WriteLine("received SIGTERM, shutting down");
    done.TrySetResult(0);
});

if (options.ExitAfterMs is null && options.TerminationMessage is { } reason && Environment.GetEnvironmentVariable("AIOP_TERMINATION_LOG") is { } logPath)
{
    // Without --exit-after-ms: record why it cannot serve and stay up, as the model server does when its model fails to load.
    File.WriteAllText(logPath, reason);
}

if (options.ExitAfterMs is { } exitAfter)
{
    _ = Task.Delay(exitAfter).ContinueWith(_ =>
    {
        if (options.TerminationMessage is { } message && Environment.GetEnvironmentVariable("AIOP_TERMINATION_LOG") is { } path)
        {
            File.WriteAllText(path, message);
        }

        Console.WriteLine($"exiting with code {options.ExitCode}");
        done.TrySetResult(options.ExitCode);
    }, TaskScheduler.Default);
}

var listener = new TcpListener(IPAddress.Parse(options.Host), options.Port);
listener.Start();
_ = Task.Run(async () =>
{
    while (true)
    {
        var client = await listener.AcceptTcpClientAsync();
        _ = Task.Run(() => ServeAsync(client));
    }
});

var code = await done.Task;
listener.Stop();
Console.Out.Flush();
return code;

async Task ServeAsync(TcpClient client)
{
    using (client)
    {
        try
        {
            var stream = client.GetStream();
            var buffer = new byte[4096];
            var request = new StringBuilder();
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && request.Length < 16384)
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    return;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var path = request.ToString().Split(' ') is [_, var p, ..] ? p : "/";
            var age = DateTimeOffset.UtcNow - started;
            var ready = age >= TimeSpan.FromMilliseconds(options.ReadyAfterMs);
            var healthy = options.UnhealthyAfterMs is not { } after || age < TimeSpan.FromMilliseconds(after);
            var (status, body) = path switch
            {
                "/ready" => ready ? ("200 OK", "ready\n") : ("503 Service Unavailable", "not ready\n"),
                "/healthz" => healthy ? ("200 OK", "ok\n") : ("500 Internal Server Error", "unhealthy\n"),
                _ => ("200 OK", $"hello from {podName}\n"),
            };
            Console.WriteLine($"GET {path} -> {status[..3]}");
            var bytes = Encoding.UTF8.GetBytes(body);
            var head = $"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(bytes);
        }
        catch (IOException)
        {
        }
    }
}
