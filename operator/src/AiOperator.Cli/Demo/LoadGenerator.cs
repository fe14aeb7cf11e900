using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace AiOperator.Cli.Demo;

/// <summary>
/// Closed-loop load against a model's Service address: N clients each send the next request when the
/// last one answered. Loopback only and bounded in time, so it can never load anything but the local
/// cluster. Counts every answer; a non-2xx or a transport error is a failed request.
/// </summary>
internal sealed class LoadGenerator : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly byte[] _body;
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _clients;
    private readonly object _gate = new();
    private readonly List<double> _window = [];
    private long _succeeded;
    private long _failed;
    private string? _lastFailure;

    private LoadGenerator(Uri url, byte[] body, int clients, TimeSpan limit, CancellationToken cancellationToken)
    {
        _url = url;
        _body = body;
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(2) }) { Timeout = TimeSpan.FromSeconds(10) };
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _stop.CancelAfter(limit);
        _clients = [.. Enumerable.Range(0, clients).Select(_ => Task.Run(ClientAsync))];
    }

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Failed => Interlocked.Read(ref _failed);

    public string? LastFailure => Volatile.Read(ref _lastFailure);

    public static LoadGenerator Start(Uri url, byte[] body, int clients, TimeSpan limit, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(url.Host, out var address) || !IPAddress.IsLoopback(address))
        {
            throw new ArgumentException($"load is only ever sent to loopback addresses, not {url.Host}", nameof(url));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, TimeSpan.FromMinutes(5));
        return new LoadGenerator(url, body, clients, limit, cancellationToken);
    }

    /// <summary>The latencies seen since the last call, in milliseconds (the timeline's p95 per sample).</summary>
    public double[] DrainLatencies()
    {
        lock (_gate)
        {
            var samples = _window.ToArray();
            _window.Clear();
            return samples;
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
        _stop.Dispose();
    }

    private async Task ClientAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var content = new ByteArrayContent(_body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await _http.PostAsync(_url, content, _stop.Token);
                await response.Content.LoadIntoBufferAsync(_stop.Token);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _succeeded);
                }
                else
                {
                    Fail($"HTTP {(int)response.StatusCode}");
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Fail(ex.InnerException is { } inner ? $"{ex.Message} ({inner.Message})" : ex.Message);
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            lock (_gate)
            {
                _window.Add(elapsed);
            }
        }
    }

    private void Fail(string why)
    {
        Interlocked.Increment(ref _failed);
        Volatile.Write(ref _lastFailure, why);
    }
}
