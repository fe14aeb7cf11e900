using AiOperator.ModelServer.Configuration;
using AiOperator.ModelServer.Batching;
using AiOperator.ModelServer.Model;

namespace AiOperator.ModelServer.Hosting;

/// <summary>
/// Fetches, verifies, opens and warms up the model in the background so the server is live at once
/// and ready once the session is loaded. A load failure leaves it live but not ready, with the reason
/// in the ready body, the metrics and the termination log. A failed warm-up does not: it feeds
/// synthetic zeros and empty strings, which a servable model may reject (integer division by its
/// input, parsing a string), so it is logged and counted and the model is served.
/// </summary>
internal sealed class ModelLoader(ModelState state, IHttpClientFactory httpFactory, TimeProvider time, ILogger<ModelLoader> log) : BackgroundService
{
    public const string ModelDownloadClient = "model-download";

    public override void Dispose()
    {
        // Runs after the web server has drained, so no request still needs the session.
        state.Scheduler?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        state.Model?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var o = state.Options;
        try
        {
            var http = httpFactory.CreateClient(ModelDownloadClient);
            // The fetcher times the whole download (headers and body) itself.
            http.Timeout = Timeout.InfiniteTimeSpan;
            var path = await ModelFetcher.FetchAsync(o.ModelUri, o.Sha256, o.MaxModelBytes, o.ModelCacheDirectory, http,
                TimeSpan.FromSeconds(o.DownloadTimeoutSeconds), time, m => log.LogInformation("{Message}", m), stoppingToken);
            OnnxModel model;
            try
            {
                model = OnnxModel.Load(path, o.ExecutionProvider, o.IntraOpThreads, o.GraphOptimization, m => log.LogWarning("{Message}", m), o.IntraOpSpinning);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new ModelLoadException($"ONNX Runtime could not load the model: {ex.Message}", ex);
            }

            try
            {
                model.WarmUp();
                var warmRun = WarmRun(model);
                var (chosen, why) = IntraOpThreadChoice.For(o.IntraOpThreads, o.IntraOpThreadsGiven, model.ActiveProvider, warmRun, Instances(o, model));
                if (chosen != o.IntraOpThreads)
                {
                    var reloaded = OnnxModel.Load(path, ExecutionProviderKind.Cpu, chosen, o.GraphOptimization, m => log.LogWarning("{Message}", m), o.IntraOpSpinning);
                    model.Dispose();
                    model = reloaded;
                    model.WarmUp();
                    log.LogInformation("Model {Model} runs in {Micros:0} us: reloaded with {Threads} intra-op thread(s) instead of {Configured}, as {Why} (--intra-op-threads keeps a count)",
                        o.ModelName, warmRun.TotalMicroseconds, chosen, o.IntraOpThreads, why);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                state.Metrics.WarmUpFailed();
                log.LogWarning("Warm-up run of model {Model} failed, serving it anyway (the synthetic inputs may be invalid for it): {Reason}",
                    o.ModelName, FirstLine(ex.Message));
            }

            var batching = Batching(o, model);
            var instances = Instances(o, model);
            var scheduler = new InferenceScheduler(model,
                new SchedulerOptions(batching, o.MaxBatchSize, TimeSpan.FromMicroseconds(o.MaxQueueDelayMicroseconds), o.MaxQueueSize, instances),
                state.Metrics, time);
            state.SetReady(model, scheduler);
            log.LogInformation("Model {Model} version {Version} ready on {Provider}; batching {Batching} (max {MaxBatch}), {Instances} instance(s), {Threads} intra-op thread(s)",
                o.ModelName, o.ModelVersion, model.ActiveProvider, batching, o.MaxBatchSize, instances, model.IntraOpThreads);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            var reason = ex is ModelLoadException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            state.SetFailed(reason);
            var written = TerminationLog.Write(o.TerminationLogPath, reason);
            log.LogError("Model {Model} failed to load: {Reason} (termination log: {Path})", o.ModelName, reason, written ?? "not written");
        }
    }

    private static bool Batching(ServerOptions o, OnnxModel model) => o.MaxBatchSize > 1 && model.Signature.HasDynamicBatchDimension;

    // Concurrent executions of the one session: a batching model gets its concurrency from batches, any
    // other from two runs at once.
    private static int Instances(ServerOptions o, OnnxModel model) => o.InstanceCount > 0 ? o.InstanceCount : Batching(o, model) ? 1 : 2;

    // The median of three warm runs (the first run, which allocates and plans, is already done).
    private TimeSpan WarmRun(OnnxModel model)
    {
        var runs = new TimeSpan[3];
        for (var i = 0; i < runs.Length; i++)
        {
            var start = time.GetTimestamp();
            model.WarmUp();
            runs[i] = time.GetElapsedTime(start);
        }

        Array.Sort(runs);
        return runs[1];
    }

    private static string FirstLine(string s)
    {
        var i = s.IndexOfAny(['\r', '\n']);
        return i < 0 ? s : s[..i];
    }
}
