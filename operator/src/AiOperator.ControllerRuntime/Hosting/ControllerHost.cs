using AiOperator.ControllerRuntime.Client;
using AiOperator.ControllerRuntime.Events;
using AiOperator.ControllerRuntime.Informers;
using AiOperator.ControllerRuntime.LeaderElection;
using AiOperator.ControllerRuntime.Metrics;
using AiOperator.ControllerRuntime.Reconciliation;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiOperator.ControllerRuntime.Hosting;

/// <summary>
/// Wires the operator: informers (always running, so caches stay warm) → one queue per controller →
/// workers that run only while this process leads, beside leader-only runnables (background loops such
/// as a metrics scraper); probes and metrics over ProbeServer; on shutdown,
/// workers stop taking work, in-flight reconciles finish within their grace, then everything stops.
/// </summary>
public sealed partial class ControllerHost : IAsyncDisposable
{
    private readonly ControllerHostOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggers;
    private readonly Dictionary<(Type Kind, InformerOptions Options), IInformer> _informers = [];
    private readonly List<IController> _controllers = [];
    private readonly List<(string Name, Func<CancellationToken, Task> Run)> _runnables = [];
    private readonly List<string> _failedRunnables = [];
    private readonly List<(string Name, Func<CancellationToken, Task<bool>> Check)> _readiness = [];
    private readonly List<Task> _loops = [];
    private readonly Lock _lock = new();
    private LeaderElector? _elector;
    private ProbeServer? _probes;
    private int _started;

    public ControllerHost(IKubeApi api, ControllerHostOptions? options = null, ControllerMetrics? metrics = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        Api = api ?? throw new ArgumentNullException(nameof(api));
        _options = options ?? new ControllerHostOptions();
        _options.LeaderElection?.Validate();
        Metrics = metrics ?? new ControllerMetrics();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _loggers = loggerFactory ?? NullLoggerFactory.Instance;
        Writer = new ResourceWriter(api, _options.FieldManager, _timeProvider);
        Status = new StatusWriter(api, StatusEchoes);
        Events = new EventRecorder(api, _options.Component, _timeProvider, Metrics, _loggers.CreateLogger<EventRecorder>());
    }

    public IKubeApi Api { get; }

    public ControllerMetrics Metrics { get; }

    public ResourceWriter Writer { get; }

    public StatusWriter Status { get; }

    /// <summary>What <see cref="Status"/> wrote, so controllers skip their own status writes coming back.</summary>
    public StatusEchoes StatusEchoes { get; } = new();

    public EventRecorder Events { get; }

    /// <summary>Where /healthz, /readyz and /metrics are served, once running.</summary>
    public Uri? ProbeAddress => _probes?.Address;

    // With leader election configured, nobody leads until the elector says so (not while caches sync).
    public bool IsLeader => _options.LeaderElection is null ? Volatile.Read(ref _started) == 1 : _elector?.IsLeader ?? false;

    /// <summary>
    /// The shared informer of a kind and options (created on first use; null options watch the host's
    /// namespaces). Callers asking with equal options share one informer; different options get their own,
    /// so nobody silently reads a cache scoped or trimmed for someone else.
    /// </summary>
    public Informer<T> Informer<T>(InformerOptions? options = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var key = (typeof(T), options ?? new InformerOptions { Namespaces = _options.Namespaces });
        lock (_lock)
        {
            if (_informers.TryGetValue(key, out var existing))
            {
                return (Informer<T>)existing;
            }

            EnsureNotStarted();
            var informer = new Informer<T>(Api, key.Item2, _timeProvider, Metrics, _loggers.CreateLogger<Informer<T>>());

            // An object we cannot read is told to its owner on the object itself, naming the field.
            informer.AddUndecodableHandler((obj, failure) => Events.Record(obj, EventRecorder.Warning, "DecodeFailed",
                $"the operator cannot read this {obj.Kind}: {failure.Field}: {failure.Error}; it acts on the last version it could read until the field is fixed"));
            _informers[key] = informer;
            return informer;
        }
    }

    /// <summary>
    /// A controller for primary kind T; chain .Owns(...) / .Watches(...) on the result. Its primary informer
    /// is the one for <paramref name="primaryOptions"/>; without them, the only informer of T already
    /// created (or a new one with the host's defaults). Two informers of T and no options is refused.
    /// </summary>
    public Controller<T> AddController<T>(string name, IReconciler reconciler, ControllerOptions? options = null, InformerOptions? primaryOptions = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var primary = primaryOptions is null ? ExistingOrDefaultInformer<T>() : Informer<T>(primaryOptions);
        lock (_lock)
        {
            EnsureNotStarted();
            if (_controllers.Any(c => c.Name == name))
            {
                throw new ArgumentException($"a controller named '{name}' already exists", nameof(name));
            }

            // The host's status writer records its writes; its controllers recognise them coming back.
            options ??= new ControllerOptions();
            if (options.OwnStatusWrites is null)
            {
                options = options with { OwnStatusWrites = StatusEchoes };
            }

            var controller = new Controller<T>(name, primary, reconciler, options, _timeProvider, Metrics, _loggers.CreateLogger<Controller<T>>());
            _controllers.Add(controller);
            return controller;
        }
    }

    /// <summary>
    /// A background loop that runs only while this process leads (controller-runtime's Add(Runnable) with
    /// leader election): started each time leadership is won, its token fires when leadership is lost or on
    /// shutdown. A runnable that fails (anything but cancellation) is logged and fails liveness, so the pod
    /// restarts rather than leading without it.
    /// </summary>
    public void AddRunnable(string name, Func<CancellationToken, Task> run)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(run);
        lock (_lock)
        {
            EnsureNotStarted();
            if (_runnables.Any(r => r.Name == name))
            {
                throw new ArgumentException($"a runnable named '{name}' already exists", nameof(name));
            }

            _runnables.Add((name, run));
        }
    }

    public void AddReadinessCheck(string name, Func<CancellationToken, Task<bool>> check)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(check);
        lock (_lock)
        {
            _readiness.Add((name, check));
        }
    }

    /// <summary>Not ready until these CRDs (e.g. "modeldeployments.aioperator.dev") exist on the API server.</summary>
    public void RequireCrds(params string[] crdNames)
    {
        foreach (var crd in crdNames)
        {
            AddReadinessCheck($"crd {crd}", ct => Api.ExistsAsync($"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{Uri.EscapeDataString(crd)}", ct));
        }
    }

    public HealthReport Liveness()
    {
        var now = _timeProvider.GetUtcNow();
        List<string> failures;
        lock (_lock)
        {
            failures = [.. _informers.Values.Where(i => !i.IsAlive(now)).Select(i => $"informer {i.Kind.Plural}: no progress since {i.LastProgress:O}")];
            failures.AddRange(_loops.Where(l => l.IsFaulted).Select(l => $"loop failed: {l.Exception?.GetBaseException().Message}"));
            failures.AddRange(_failedRunnables);
        }

        return new HealthReport(failures.Count == 0, failures);
    }

    public async Task<HealthReport> ReadinessAsync(CancellationToken cancellationToken)
    {
        List<string> failures;
        List<(string Name, Func<CancellationToken, Task<bool>> Check)> checks;
        lock (_lock)
        {
            failures = [.. _informers.Values.Where(i => !i.HasSynced).Select(i => $"informer {i.Kind.Plural}: not synced")];
            checks = [.. _readiness];
        }

        foreach (var (name, check) in checks)
        {
            bool ok;
            try
            {
                ok = await check(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                ok = false;
            }

            if (!ok)
            {
                failures.Add($"{name}: not ready");
            }
        }

        return new HealthReport(failures.Count == 0, failures);
    }

    /// <summary>Runs until cancelled, then shuts down gracefully.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException("the host is already running");
        }

        var logger = _loggers.CreateLogger<ControllerHost>();
        using var background = new CancellationTokenSource();
        if (_options.ProbePort is { } port)
        {
            _probes = new ProbeServer(_options.ProbeAddress, port, Liveness, ReadinessAsync, Metrics.Registry, _timeProvider);
            await _probes.StartAsync(cancellationToken);
            logger.LogInformation("probes and metrics on {Address}", _probes.Address);
        }

        try
        {
            IInformer[] informers;
            lock (_lock)
            {
                informers = [.. _informers.Values];
                _loops.AddRange(informers.Select(i => i.RunAsync(background.Token)));
                _loops.Add(Events.RunAsync(background.Token));
            }

            await Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(cancellationToken)));

            logger.LogInformation("caches synced for {Kinds}", string.Join(", ", informers.Select(i => i.Kind.Plural)));
            if (_options.LeaderElection is { } election)
            {
                // Lease calls are tried once, each bounded by the renew deadline (LeaderElector), never retried by the client.
                _elector = new LeaderElector(new KubeLeaseStore(Api.SingleAttempt(), election.LeaseNamespace, election.LeaseName), election, _timeProvider, Metrics, _loggers.CreateLogger<LeaderElector>());
                await _elector.RunAsync(leading => RunControllersAsync(leading, cancellationToken), cancellationToken);
            }
            else
            {
                await RunControllersAsync(cancellationToken, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var controller in _controllers)
            {
                controller.ShutDown();
            }

            await background.CancelAsync();
            await Task.WhenAll(_loops.Select(l => l.ContinueWith(_ => { }, TaskScheduler.Default)));
            await DisposeAsync();
            logger.LogInformation("controller host stopped");
        }
    }

    public async ValueTask DisposeAsync()
    {
        var probes = Interlocked.Exchange(ref _probes, null);
        if (probes is not null)
        {
            await probes.DisposeAsync();
        }
    }

    // Leadership lost (leading fires while the process is not shutting down): another replica may lead in
    // moments, so in-flight reconciles are cancelled at once instead of finishing within the shutdown grace.
    private async Task RunControllersAsync(CancellationToken leading, CancellationToken shutdown)
    {
        List<(string Name, Func<CancellationToken, Task> Run)> runnables;
        lock (_lock)
        {
            runnables = [.. _runnables];
        }

        using var lost = new CancellationTokenSource();
        await using var onLoss = leading.Register(() =>
        {
            if (!shutdown.IsCancellationRequested)
            {
                lost.Cancel();
            }
        });
        await Task.WhenAll(_controllers.Select(c => c.RunAsync(leading, lost.Token)).Concat(runnables.Select(r => RunRunnableAsync(r.Name, r.Run, leading))));
    }

    private async Task RunRunnableAsync(string name, Func<CancellationToken, Task> run, CancellationToken leading)
    {
        var logger = _loggers.CreateLogger<ControllerHost>();
        try
        {
            await Task.Run(() => run(leading), CancellationToken.None);
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogRunnableFailed(logger, name, ex);
            lock (_lock)
            {
                _failedRunnables.Add($"runnable {name} failed: {ex.GetBaseException().Message}");
            }
        }
    }

    // Without options a controller takes the informer its wiring already made for the kind.
    private Informer<T> ExistingOrDefaultInformer<T>()
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        lock (_lock)
        {
            var existing = _informers.Where(i => i.Key.Kind == typeof(T)).Select(i => i.Value).ToList();
            if (existing.Count > 1)
            {
                throw new InvalidOperationException($"{existing.Count} informers of {typeof(T).Name} exist; say which one the controller's primary is (primaryOptions)");
            }

            if (existing.Count == 1)
            {
                return (Informer<T>)existing[0];
            }
        }

        return Informer<T>();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "runnable {Name} failed")]
    private static partial void LogRunnableFailed(ILogger logger, string name, Exception exception);

    private void EnsureNotStarted()
    {
        if (Volatile.Read(ref _started) == 1)
        {
            throw new InvalidOperationException("informers and controllers must be added before the host runs");
        }
    }
}
