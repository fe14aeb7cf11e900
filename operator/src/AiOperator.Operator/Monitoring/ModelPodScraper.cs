using System.Buffers;
using System.Globalization;
using System.Text;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.Operator.ModelDeployments;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AiOperator.Operator.Monitoring;

/// <summary>
/// Reads /metrics of every running model pod (pod IP from status, the server's port), a bounded number
/// at a time, each with a timeout and a body limit, into <see cref="MetricsStore"/>. Unready pods are read
/// too, for a model that failed to load. A scrape that fails is counted, never fatal. The caller owns
/// the HTTP client (see <see cref="DirectHandler"/>).
/// </summary>
internal sealed partial class ModelPodScraper
{
    private readonly IResourceCache<V1Pod> _pods;
    private readonly MetricsStore _store;
    private readonly ModelLoadFailures _loadFailures;
    private readonly HttpMessageInvoker _http;
    private readonly ScraperOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Counter _scrapes;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    public ModelPodScraper(IResourceCache<V1Pod> pods, MetricsStore store, ModelLoadFailures loadFailures, HttpMessageInvoker http,
        ScraperOptions options, ControllerMetrics metrics, TimeProvider timeProvider, ILogger<ModelPodScraper> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        options.Validate();
        _pods = pods;
        _store = store;
        _loadFailures = loadFailures;
        _http = http;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _scrapes = metrics.Registry.Counter("aiop_operator_model_scrapes_total", "Scrapes of model pods' /metrics by result", "result");
    }

    /// <summary>A handler for pod IPs: no proxy, no redirects, no cookies, one connection per pod.</summary>
    public static SocketsHttpHandler DirectHandler(ScraperOptions options) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        MaxConnectionsPerServer = 1,
        ConnectTimeout = options.Timeout,
        PooledConnectionIdleTimeout = options.Interval * 3,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>Scrapes every interval while leading; <paramref name="afterRound"/> runs after each pass.</summary>
    public async Task RunAsync(Func<ScrapeRound, CancellationToken, Task> afterRound, CancellationToken leading)
    {
        ArgumentNullException.ThrowIfNull(afterRound);
        using var timer = new PeriodicTimer(_options.Interval, _timeProvider);
        do
        {
            var round = await ScrapeOnceAsync(leading);
            await afterRound(round, leading);
        }
        while (await timer.WaitForNextTickAsync(leading));
    }

    public async Task<ScrapeRound> ScrapeOnceAsync(CancellationToken cancellationToken)
    {
        var targets = new List<(V1Pod Pod, string ModelDeployment, string Revision, bool Ready)>();
        var live = new HashSet<(string, string)>();
        foreach (var pod in _pods.List())
        {
            var labels = pod.Metadata.Labels;
            if (labels is null || !labels.TryGetValue(ModelDeploymentLabels.ModelDeployment, out var md) || !labels.TryGetValue(ModelDeploymentLabels.Revision, out var revision))
            {
                continue;
            }

            live.Add((pod.Metadata.NamespaceProperty ?? "", pod.Metadata.Name));
            if (pod.Status?.Phase == "Running" && !string.IsNullOrEmpty(pod.Status.PodIP) && pod.Metadata.DeletionTimestamp is null)
            {
                targets.Add((pod, md, revision, IsReady(pod)));
            }
        }

        var scraped = 0;
        var failed = 0;
        var changed = new HashSet<ObjectKey>();
        var changedLock = new Lock();
        await Parallel.ForEachAsync(targets, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken }, async (target, ct) =>
        {
            var ns = target.Pod.Metadata.NamespaceProperty ?? "";
            var name = target.Pod.Metadata.Name;
            var sample = await ScrapeAsync(target.Pod.Status.PodIP, _store.LastBounds(ns, name), ct);
            if (sample is null)
            {
                Interlocked.Increment(ref failed);
                _scrapes.Inc("failure");
                _store.RecordFailure(ns, name, target.ModelDeployment, target.Revision, _timeProvider.GetUtcNow());
                return;
            }

            Interlocked.Increment(ref scraped);
            _scrapes.Inc("success");
            _store.Record(ns, name, target.ModelDeployment, target.Revision, sample);
            var failureChanged = sample.LoadFailure is { } reason && !target.Ready
                ? _loadFailures.Set(ns, target.ModelDeployment, new ModelLoadFailure(name, target.Revision, reason, sample.At))
                : _loadFailures.Clear(ns, name);
            if (failureChanged)
            {
                lock (changedLock)
                {
                    changed.Add(new ObjectKey(ns, target.ModelDeployment));
                }
            }
        });

        _store.Retain(live);
        _loadFailures.Retain(live);
        return new ScrapeRound(scraped, failed, changed);
    }

    private async Task<PodSample?> ScrapeAsync(string podIp, double[]? previousBounds, CancellationToken cancellationToken)
    {
        var host = podIp.Contains(':', StringComparison.Ordinal) ? $"[{podIp}]" : podIp;
        var uri = new Uri($"http://{host}:{_options.Port.ToString(CultureInfo.InvariantCulture)}/metrics");
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd("text/plain");
            using var response = await _http.SendAsync(request, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                LogScrapeFailed(uri, $"HTTP {(int)response.StatusCode}");
                return null;
            }

            if (response.Content.Headers.ContentLength > _options.MaxBodyBytes)
            {
                LogScrapeFailed(uri, $"body of {response.Content.Headers.ContentLength} bytes is over {_options.MaxBodyBytes}");
                return null;
            }

            if (await ReadBoundedAsync(response.Content, linked.Token) is not { } body)
            {
                LogScrapeFailed(uri, $"body over {_options.MaxBodyBytes} bytes");
                return null;
            }

            try
            {
                return Parse(body.Buffer.AsSpan(0, body.Length), previousBounds);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body.Buffer);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogScrapeFailed(uri, $"no answer within {_options.Timeout.TotalSeconds:0.###} s");
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogScrapeFailed(uri, ex.Message);
            return null;
        }
    }

    // Decoded into a pooled buffer and parsed in place: hundreds of pods every 2 s must not allocate a body string each.
    private PodSample Parse(ReadOnlySpan<byte> utf8, double[]? previousBounds)
    {
        var chars = ArrayPool<char>.Shared.Rent(StrictUtf8.GetMaxCharCount(utf8.Length));
        try
        {
            var length = StrictUtf8.GetChars(utf8, chars);
            var samples = PrometheusTextParser.Parse(chars.AsSpan(0, length), ModelServerScrape.WantedName, _options.Limits);
            return ModelServerScrape.ToSample(samples, _timeProvider.GetUtcNow(), previousBounds);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>The body in a pooled buffer (the caller returns it), grown by doubling up to the limit; null when over it.</summary>
    private async Task<(byte[] Buffer, int Length)?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        byte[]? buffer = ArrayPool<byte>.Shared.Rent(Math.Min(_options.MaxBodyBytes + 1, 16 * 1024));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, _options.MaxBodyBytes + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > _options.MaxBodyBytes)
                {
                    return null;
                }
            }

            var body = (buffer, length);
            buffer = null;
            return body;
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    [LoggerMessage(Level = LogLevel.Debug, Message = "scrape of {Uri} failed: {Reason}")]
    private partial void LogScrapeFailed(Uri uri, string reason);
}
