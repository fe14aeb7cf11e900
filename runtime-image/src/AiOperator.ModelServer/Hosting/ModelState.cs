using AiOperator.ModelServer.Batching;
using AiOperator.ModelServer.Configuration;
using AiOperator.ModelServer.Metrics;
using AiOperator.ModelServer.Model;

namespace AiOperator.ModelServer.Hosting;

/// <summary>The served model, its scheduler and the readiness the probes see; set once by the loader.</summary>
internal sealed class ModelState(ServerOptions options, ServerMetrics metrics)
{
    private volatile ModelStatus _status = ModelStatus.Loading;
    private volatile bool _draining;
    private TaskCompletionSource _readinessChange = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ServerOptions Options => options;
    public ServerMetrics Metrics => metrics;
    public ReadGate Reads { get; } = new(options.MaxConcurrentReads);
    public ModelStatus Status => _status;
    public string? FailureReason { get; private set; }
    public OnnxModel? Model { get; private set; }
    public InferenceScheduler? Scheduler { get; private set; }

    public bool Draining => _draining;

    public bool Ready => _status == ModelStatus.Ready && !_draining;

    /// <summary>
    /// Completes at the next change of <see cref="Status"/> or <see cref="Draining"/>. Take it before reading them:
    /// a change in between then completes it, so a watcher never sleeps through one.
    /// </summary>
    public Task ReadinessChange => Volatile.Read(ref _readinessChange).Task;

    /// <summary>
    /// Inference is served while draining: readiness drops so endpoints let go of the pod, but a request that
    /// still arrives (a proxy not yet updated, a pinned connection) is answered, not refused.
    /// </summary>
    public bool CanInfer => _status == ModelStatus.Ready;

    public string NotReadyReason => _draining ? "the server is shutting down"
        : _status == ModelStatus.Failed ? $"model failed to load: {FailureReason}"
        : "the model is loading";

    public void SetReady(OnnxModel model, InferenceScheduler scheduler)
    {
        Model = model;
        Scheduler = scheduler;
        metrics.Provider = model.ActiveProvider;
        _status = ModelStatus.Ready;
        metrics.Ready = Ready;
        SignalChange();
    }

    public void SetFailed(string reason)
    {
        FailureReason = reason;
        metrics.LoadFailure = reason;
        _status = ModelStatus.Failed;
        metrics.Ready = false;
        SignalChange();
    }

    public void BeginDrain()
    {
        _draining = true;
        metrics.Ready = false;
        SignalChange();
    }

    private void SignalChange() =>
        Interlocked.Exchange(ref _readinessChange, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
