using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiOperator.Operator.Tests.EndToEnd;

/// <summary>
/// Steady load on a doubler model (x: FP32 [1, 4]) through a Service's loopback address, every answer recorded
/// with its time and the model version that gave it. Bounded: it stops when asked or after <c>maxDuration</c>.
/// </summary>
internal sealed class ServiceLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<ServiceAnswer> _answers = [];
    private readonly Task _workers;

    private ServiceLoad(string clusterIp, string model, int workers, TimeSpan maxDuration)
    {
        _stop = new CancellationTokenSource(maxDuration);
        _workers = Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(clusterIp, model, w))));
    }

    /// <summary>Time since the load started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public static ServiceLoad Start(string clusterIp, string model, int workers, TimeSpan maxDuration) => new(clusterIp, model, workers, maxDuration);

    public IReadOnlyList<ServiceAnswer> Answers
    {
        get
        {
            lock (_answers)
            {
                return [.. _answers];
            }
        }
    }

    public async Task<IReadOnlyList<ServiceAnswer>> StopAsync()
    {
        await _stop.CancelAsync();
        await _workers;
        return Answers;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WorkAsync(string clusterIp, string model, int worker)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://{clusterIp}:80"), Timeout = TimeSpan.FromSeconds(10) };

        // A fresh connection per request, so new connections follow the endpoints as pods come and go.
        http.DefaultRequestHeaders.ConnectionClose = true;
        var sent = 0;
        while (!_stop.IsCancellationRequested)
        {
            sent++;
            var at = _clock.Elapsed;
            ServiceAnswer answer;
            try
            {
                using var response = await http.PostAsJsonAsync($"/v2/models/{model}/infer", new JsonObject
                {
                    ["id"] = $"w{worker}-{sent}",
                    ["inputs"] = new JsonArray(new JsonObject { ["name"] = "x", ["shape"] = new JsonArray(1, 4), ["datatype"] = "FP32", ["data"] = new JsonArray(1, 2, 3, 4) }),
                }, CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                answer = response.IsSuccessStatusCode
                    ? new ServiceAnswer(at, _clock.Elapsed, true, (int)response.StatusCode, Version(body), null)
                    : new ServiceAnswer(at, _clock.Elapsed, false, (int)response.StatusCode, null, body);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                answer = new ServiceAnswer(at, _clock.Elapsed, false, null, null, e.Message);
            }

            lock (_answers)
            {
                _answers.Add(answer);
            }

            // Steady load, not a flood: the machine also runs the cluster, the operator and the servers.
            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    private static string? Version(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["model_version"]?.GetValue<string>();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
