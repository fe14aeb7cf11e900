using System.Diagnostics;
using System.Globalization;
using AiOperator.Api.V1Alpha1;
using AiOperator.Cli.Admin;
using AiOperator.Cli.Commands;
using AiOperator.LocalCluster.Simulation.Models;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AiOperator.Cli.Demo;

/// <summary>
/// A cluster admin's day on the local cluster, stage by stage: train, serve what was trained and check
/// its answers, autoscale under load and back, a good canary upgrade with zero failed requests, a bad
/// one rolled back automatically. Each stage has a check; the run fails at the first that does not hold.
/// </summary>
internal sealed class DemoRun(LocalCluster.LocalCluster cluster, IAnsiConsole console, string outputFolder) : IAsyncDisposable
{
    private const int FirstSeed = 1;
    private const int SecondSeed = 2;
    private readonly Kubernetes _client = cluster.CreateClient();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<TimelineSample> _timeline = [];
    private readonly List<StageResult> _results = [];
    private GenericClient? _mdeps;
    private GenericClient? _jobs;
    private LoadGenerator? _load;
    private readonly SemaphoreSlim _sampling = new(1, 1);
    private string _stage = "start";
    private LiveDisplayContext? _live;
    private IRenderable? _view;
    private long _served;
    private long _failed;
    private long _lastFailed;

    public IReadOnlyList<StageResult> Results => _results;

    public IReadOnlyList<TimelineSample> Timeline => _timeline;

    public long RequestsServed => _served;

    public long RequestsFailed => _failed;

    public async Task<bool> RunAsync(CancellationToken ct)
    {
        _mdeps = new GenericClient(_client, GroupVersion.Group, GroupVersion.Version, ModelDeployment.Plural, disposeClient: false);
        _jobs = new GenericClient(_client, GroupVersion.Group, GroupVersion.Version, TrainingJob.Plural, disposeClient: false);
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = Task.Run(() => SampleAsync(sampling.Token), CancellationToken.None);
        try
        {
            Directory.CreateDirectory(outputFolder);
            await WriteManifestAsync("00-namespace.yaml", DemoManifests.DemoNamespace());
            await _client.CoreV1.CreateNamespaceAsync(DemoManifests.DemoNamespace(), cancellationToken: ct);

            return await StageAsync("1 train", TrainAsync, ct)
                && await StageAsync("2 serve", ServeAsync, ct)
                && await StageAsync("3 autoscale", AutoscaleAsync, ct)
                && await StageAsync("4 good upgrade", GoodUpgradeAsync, ct)
                && await StageAsync("5 bad upgrade", BadUpgradeAsync, ct);
        }
        finally
        {
            await sampling.CancelAsync();
            await sampler;
        }
    }

    private async Task<bool> StageAsync(string name, Func<CancellationToken, Task<string>> stage, CancellationToken ct)
    {
        _stage = name;
        var started = _clock.Elapsed;
        console.MarkupLine($"[bold]{Markup.Escape(name)}[/] …");
        try
        {
            var detail = await WithLiveViewAsync(stage, ct);
            _results.Add(new StageResult(name, true, _clock.Elapsed - started, detail));
            console.MarkupLine($"[green]✓[/] {Markup.Escape(name)} ({(_clock.Elapsed - started).TotalSeconds:0.0} s): {Markup.Escape(detail)}");
            return true;
        }
        catch (DemoFailure ex)
        {
            _results.Add(new StageResult(name, false, _clock.Elapsed - started, ex.Message));
            console.MarkupLine($"[red]✗ {Markup.Escape(name)} failed[/] ({(_clock.Elapsed - started).TotalSeconds:0.0} s): {Markup.Escape(ex.Message)}");
            return false;
        }
        finally
        {
            await StopLoadAsync();

            // The stage's end state goes into the timeline and, where no live view showed it, into the log:
            // a transition shorter than the sampling interval (a promotion, a rollback) is never missed.
            await SampleOnceAsync(ct);
            if (!Interactive && _view is { } view)
            {
                console.Write(view);
            }
        }
    }

    private bool Interactive => console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi;

    // On a terminal the revision tree (revisions, weight and step, pods, replicas) redraws in place while the
    // stage runs; piped output (CI logs) gets it once per stage instead of a screen of redraws.
    private async Task<string> WithLiveViewAsync(Func<CancellationToken, Task<string>> stage, CancellationToken ct)
    {
        if (!Interactive)
        {
            return await stage(ct);
        }

        var detail = "";
        await console.Live(_view ?? new Markup("[grey]waiting for the ModelDeployment[/]")).AutoClear(true).StartAsync(async live =>
        {
            _live = live;
            try
            {
                detail = await stage(ct);
            }
            finally
            {
                _live = null;
            }
        });
        return detail;
    }

    private async Task<string> TrainAsync(CancellationToken ct)
    {
        var job = await CreateAsync(_jobs!, "01-trainingjob.yaml", DemoManifests.Training("mlp-train", "1", FirstSeed), ct);
        var done = await WaitForJobAsync(job.Metadata.Name, TimeSpan.FromMinutes(3), ct);
        return $"2 workers trained the MLP: accuracy {Accuracy(done):0.###} on the validation set, {done.Status?.Restarts ?? 0} restarts, model {done.Status?.OutputModel?.Uri}";
    }

    private async Task<string> ServeAsync(CancellationToken ct)
    {
        await CreateAsync(_mdeps!, "02-modeldeployment.yaml", DemoManifests.Serving("mlp-train"), ct);
        var md = await WaitForModelAsync(m => m.Status?.Phase == ModelDeploymentPhase.Ready, "Ready", TimeSpan.FromMinutes(2), ct);
        var job = await _jobs!.ReadNamespacedAsync<TrainingJob>(DemoManifests.Namespace, "mlp-train", ct);
        var reported = Accuracy(job);
        var served = await ValidationCheck.AccuracyAsync(_http, await InferUrlAsync(ct), FirstSeed, ct);
        if (Math.Abs(served - reported) > 0.051)
        {
            throw new DemoFailure($"the served model classified the validation set with accuracy {served:0.###}, the job reported {reported:0.###}");
        }

        return $"revision {md.Status?.StableRevision} Ready; /infer on the 20 validation samples: accuracy {served:0.###} (job reported {reported:0.###})";
    }

    private async Task<string> AutoscaleAsync(CancellationToken ct)
    {
        await StartLoadAsync(clients: 8, TimeSpan.FromSeconds(90), ct);
        var up = await WaitForModelAsync(m => (m.Status?.ReadyReplicas ?? 0) > 1, "more than 1 ready replica under load", TimeSpan.FromSeconds(80), ct);
        var peak = up.Status!.ReadyReplicas;
        await StopLoadAsync();
        var down = await WaitForModelAsync(m => m.Status?.DesiredReplicas == 1 && m.Status.ReadyReplicas == 1, "back to 1 replica after the load", TimeSpan.FromSeconds(120), ct);
        return $"8 clients raised the replicas to {peak}; without load they came back to {down.Status!.ReadyReplicas} after the stabilization window";
    }

    private async Task<string> GoodUpgradeAsync(CancellationToken ct)
    {
        await CreateAsync(_jobs!, "03-trainingjob-v2.yaml", DemoManifests.Training("mlp-train-v2", "2", SecondSeed), ct);
        await WaitForJobAsync("mlp-train-v2", TimeSpan.FromMinutes(3), ct);
        var before = await _mdeps!.ReadNamespacedAsync<ModelDeployment>(DemoManifests.Namespace, DemoManifests.ModelName, ct);
        await StartLoadAsync(clients: 2, TimeSpan.FromSeconds(150), ct);
        var failedBefore = _load!.Failed;
        await PatchModelAsync("04-modeldeployment-v2.yaml", md => md.Spec.Model.FromTrainingJob!.Name = "mlp-train-v2", ct);
        var promoted = await WaitForModelAsync(
            m => m.Status?.StableRevision != before.Status?.StableRevision && string.IsNullOrEmpty(m.Status?.CanaryRevision) && m.Status?.Phase == ModelDeploymentPhase.Ready,
            "the new revision promoted", TimeSpan.FromMinutes(2), ct);
        var failed = _load.Failed - failedBefore;
        var served = _load.Succeeded;
        var lastFailure = _load.LastFailure;
        await StopLoadAsync();
        if (failed > 0)
        {
            throw new DemoFailure($"{failed} of {served + failed} requests failed during the upgrade (last: {lastFailure})");
        }

        return $"{before.Status?.StableRevision} → {promoted.Status?.StableRevision} through every canary step; {served} requests under load, 0 failed";
    }

    private async Task<string> BadUpgradeAsync(CancellationToken ct)
    {
        var path = Path.Combine(cluster.StateDirectory, "pvcs", DemoManifests.Namespace, DemoManifests.ModelsClaim, DemoManifests.BrokenModelPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, FailingModel.Build("input", "probabilities", width: 2), ct);
        var before = await _mdeps!.ReadNamespacedAsync<ModelDeployment>(DemoManifests.Namespace, DemoManifests.ModelName, ct);
        await StartLoadAsync(clients: 2, TimeSpan.FromSeconds(150), ct);
        await PatchModelAsync("05-modeldeployment-bad.yaml", md =>
        {
            md.Spec.Model.FromTrainingJob = null;
            md.Spec.Model.Version = "3";
            md.Spec.Model.Uri = $"pvc://{DemoManifests.ModelsClaim}/{DemoManifests.BrokenModelPath}";
        }, ct);
        var rolledBack = await WaitForModelAsync(m => m.Status?.Phase == ModelDeploymentPhase.RolledBack, "RolledBack", TimeSpan.FromMinutes(2), ct);
        if (rolledBack.Status?.StableRevision != before.Status?.StableRevision)
        {
            throw new DemoFailure($"after the rollback {rolledBack.Status?.StableRevision} serves, expected {before.Status?.StableRevision}");
        }

        // Traffic is back on the stable revision alone once the failed revision's pods are gone: until then a
        // keep-alive connection the Service forwarded to one of them may still reach it (as kube-proxy's conntrack
        // does); the draining server closes it. Then a short burst must succeed in full.
        await WaitForOnlyRevisionAsync(rolledBack.Status!.StableRevision!, TimeSpan.FromMinutes(1), ct);
        var accuracy = await ValidationCheck.AccuracyAsync(_http, await InferUrlAsync(ct), SecondSeed, ct);
        return $"rolled back to {rolledBack.Status?.StableRevision}: {rolledBack.Status?.LastRollback?.Reason}; stable still answers (accuracy {accuracy:0.###})";
    }

    private static double Accuracy(TrainingJob job) =>
        job.Status?.OutputModel?.Metrics?.TryGetValue("accuracy", out var accuracy) == true
            ? accuracy
            : throw new DemoFailure($"TrainingJob {job.Metadata.Name} reported no accuracy in status.outputModel.metrics");

    private async Task<T> CreateAsync<T>(GenericClient client, string file, T resource, CancellationToken ct)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        await WriteManifestAsync(file, resource);
        return await client.CreateNamespacedAsync(resource, resource.Metadata.NamespaceProperty, ct);
    }

    private async Task PatchModelAsync(string file, Action<ModelDeployment> change, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var md = await _mdeps!.ReadNamespacedAsync<ModelDeployment>(DemoManifests.Namespace, DemoManifests.ModelName, ct);
            change(md);
            md.Status = null;
            try
            {
                await _mdeps.ReplaceNamespacedAsync(md, DemoManifests.Namespace, DemoManifests.ModelName, ct);
                md.Metadata.ResourceVersion = null;
                md.Metadata.Uid = null;
                md.Metadata.Generation = null;
                md.Metadata.CreationTimestamp = null;
                md.Metadata.ManagedFields = null;
                await WriteManifestAsync(file, md);
                return;
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 5)
            {
                // Someone wrote in between (annotations); read again.
            }
        }
    }

    private async Task<TrainingJob> WaitForJobAsync(string name, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            var job = await _jobs!.ReadNamespacedAsync<TrainingJob>(DemoManifests.Namespace, name, ct);
            switch (job.Status?.Phase)
            {
                case TrainingJobPhase.Succeeded:
                    return job;
                case TrainingJobPhase.Failed:
                    throw new DemoFailure($"TrainingJob {name} failed: {job.Status.LastFailure?.Reason} (exit code {job.Status.LastFailure?.ExitCode}); {job.Status.Conditions?.LastOrDefault()?.Message}");
            }

            if (_clock.Elapsed > deadline)
            {
                throw new DemoFailure($"TrainingJob {name} did not succeed within {timeout.TotalSeconds:0} s (phase {job.Status?.Phase}, {job.Status?.WorkersRunning} workers running)");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    private async Task<ModelDeployment> WaitForModelAsync(Func<ModelDeployment, bool> condition, string what, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            var md = await _mdeps!.ReadNamespacedAsync<ModelDeployment>(DemoManifests.Namespace, DemoManifests.ModelName, ct);
            if (condition(md))
            {
                return md;
            }

            if (_clock.Elapsed > deadline)
            {
                var conditions = string.Join("; ", (md.Status?.Conditions ?? []).Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}"));
                throw new DemoFailure($"ModelDeployment {DemoManifests.ModelName} not {what} within {timeout.TotalSeconds:0} s: phase {md.Status?.Phase}, ready {md.Status?.ReadyReplicas}/{md.Status?.DesiredReplicas}; {conditions}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    private async Task WaitForOnlyRevisionAsync(string revision, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = _clock.Elapsed + timeout;
        while (true)
        {
            var pods = (await _client.CoreV1.ListNamespacedPodAsync(DemoManifests.Namespace,
                labelSelector: $"{ModelDeploymentView.ModelDeploymentLabel}={DemoManifests.ModelName}", cancellationToken: ct)).Items;
            var others = pods.Where(p => !(p.Metadata.Labels is { } labels && labels.TryGetValue(ModelDeploymentView.RevisionLabel, out var r) && r == revision)).Select(p => p.Metadata.Name).ToList();
            if (others.Count == 0)
            {
                return;
            }

            if (_clock.Elapsed > deadline)
            {
                throw new DemoFailure($"pods of other revisions than {revision} still there {timeout.TotalSeconds:0} s after the rollback: {string.Join(", ", others)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    private async Task<Uri> InferUrlAsync(CancellationToken ct)
    {
        var service = await _client.CoreV1.ReadNamespacedServiceAsync(DemoManifests.ModelName, DemoManifests.Namespace, cancellationToken: ct);
        var port = service.Spec.Ports.First(p => p.Name == "http").Port;
        return new Uri($"http://{service.Spec.ClusterIP}:{port}/v2/models/{DemoManifests.ModelName}/infer");
    }

    private async Task StartLoadAsync(int clients, TimeSpan limit, CancellationToken ct)
    {
        await StopLoadAsync();
        _load = LoadGenerator.Start(await InferUrlAsync(ct), ValidationCheck.Body(FirstSeed), clients, limit, ct);
    }

    private async Task StopLoadAsync()
    {
        if (_load is { } load)
        {
            _load = null;
            await load.DisposeAsync();
            Interlocked.Add(ref _served, load.Succeeded);
            Interlocked.Add(ref _failed, load.Failed);
        }
    }

    private async Task WriteManifestAsync(string file, object resource) =>
        await File.WriteAllTextAsync(Path.Combine(outputFolder, file), KubernetesYaml.Serialize(resource));

    // About once a second: replicas, canary weight and the client's p95 over the last second.
    private async Task SampleAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await SampleOnceAsync(ct);
        }
    }

    private async Task SampleOnceAsync(CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return;
        }

        await _sampling.WaitAsync(CancellationToken.None);
        try
        {
            var md = await _mdeps!.ReadNamespacedAsync<ModelDeployment>(DemoManifests.Namespace, DemoManifests.ModelName, ct);
            var pods = await _client.CoreV1.ListNamespacedPodAsync(DemoManifests.Namespace,
                labelSelector: $"{ModelDeploymentView.ModelDeploymentLabel}={DemoManifests.ModelName}", cancellationToken: ct);
            _view = ModelDeploymentView.Render(md, pods.Items.ToList());
            if (_live is { } live)
            {
                live.UpdateTarget(_view);
            }

            var load = _load;
            var latencies = load?.DrainLatencies() ?? [];
            Array.Sort(latencies);
            var p95 = latencies.Length == 0 ? double.NaN : latencies[(int)Math.Min(latencies.Length - 1, Math.Ceiling(latencies.Length * 0.95) - 1)];
            var failed = load?.Failed ?? 0;
            lock (_timeline)
            {
                _timeline.Add(new TimelineSample(_clock.Elapsed.TotalSeconds, _stage, md.Status?.Replicas ?? 0, md.Status?.ReadyReplicas ?? 0,
                    md.Status?.CanaryWeight ?? 0, p95, latencies.Length, Math.Max(0, failed - _lastFailed)));
            }

            _lastFailed = failed;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (HttpOperationException)
        {
            // No ModelDeployment yet (training): nothing to sample.
        }
        finally
        {
            _sampling.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopLoadAsync();
        _mdeps?.Dispose();
        _jobs?.Dispose();
        _http.Dispose();
        _client.Dispose();
        _sampling.Dispose();
    }

    public static string Summary(IReadOnlyList<StageResult> results) =>
        string.Join(Environment.NewLine, results.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Stage}: {(r.Passed ? "passed" : "FAILED")} in {r.Took.TotalSeconds:0.0} s")));
}
