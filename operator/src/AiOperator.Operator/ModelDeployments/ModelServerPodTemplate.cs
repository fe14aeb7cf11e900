using System.Globalization;
using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using AiOperator.Operator.Pods;
using k8s.Models;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>Renders the model-server pod template of a ModelDeployment (pure; labels without the revision).</summary>
internal static class ModelServerPodTemplate
{
    public const int HttpPort = 8080;
    public const int GrpcPort = 8001;
    public const string ContainerName = "model-server";
    public const string ModelMountPath = "/models";

    public const long DefaultMaxModelBytes = 2L * 1024 * 1024 * 1024;
    public const long CacheHeadroomBytes = 256L * 1024 * 1024;

    /// <summary>The server's download cap: AIOP_MAX_MODEL_BYTES from runtime.env when it is a positive integer, else 2 GiB.</summary>
    public static long MaxModelBytes(IList<V1EnvVar>? env) =>
        env?.LastOrDefault(e => e.Name == "AIOP_MAX_MODEL_BYTES")?.Value is { } v
            && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && n <= long.MaxValue - CacheHeadroomBytes
            ? n
            : DefaultMaxModelBytes;

    /// <summary>Requested when the spec says nothing: never BestEffort (first evicted), never unbounded in memory.</summary>
    public static readonly ResourceQuantity DefaultCpuRequest = new("500m");

    public static readonly ResourceQuantity DefaultMemoryRequest = new("1Gi");

    public static readonly ResourceQuantity DefaultMemoryLimit = new("4Gi");

    // Drain delay covers endpoint propagation (kube-proxy, ingress); the grace period covers delay plus drain.
    public const int DrainDelaySeconds = 5;
    public const int DrainTimeoutSeconds = 20;
    public const int TerminationGracePeriodSeconds = 30;

    public static string ModelName(ModelDeployment md) => md.Spec.Model.Name ?? md.Metadata.Name;

    public static V1PodTemplateSpec Render(ModelDeployment md, string modelUri, string defaultImage)
    {
        ArgumentNullException.ThrowIfNull(md);
        var spec = md.Spec;
        var runtime = spec.Runtime ?? new RuntimeSpec();
        var gpu = spec.Resources?.Gpu ?? new GpuSpec();
        var gpuCount = gpu.Count ?? 0;
        var modelName = ModelName(md);

        // /tmp holds the downloaded model (one file: the server names it by content and removes stale ones)
        // plus headroom, so the emptyDir and the server's download cap agree; AIOP_MAX_MODEL_BYTES in env sets both.
        var maxModelBytes = MaxModelBytes(runtime.Env);
        var volumes = new List<V1Volume> { new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity((maxModelBytes + CacheHeadroomBytes).ToString(CultureInfo.InvariantCulture)) } } };
        var mounts = new List<V1VolumeMount> { new() { Name = "tmp", MountPath = "/tmp" } };
        var serverUri = modelUri;
        if (ModelUri.TryParse(modelUri, out _) is { Scheme: ModelUri.Pvc } pvc)
        {
            volumes.Add(new V1Volume { Name = "model", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = pvc.Claim, ReadOnlyProperty = true } });
            mounts.Add(new V1VolumeMount { Name = "model", MountPath = ModelMountPath, ReadOnlyProperty = true });
            // A plain path (not file://): the kubelet of `aiop local` maps mount paths in args to its volume folders.
            serverUri = $"{ModelMountPath}/{pvc.Path}";
        }

        var args = new List<string>
        {
            // User strings are escaped: the kubelet expands $(VAR) in args, and "$$" is its literal "$".
            $"--model-uri={Literal(serverUri)}",
            $"--model-name={Literal(modelName)}",
            // $(POD_IP) is expanded by the kubelet: the server binds its pod's address only.
            "--host=$(POD_IP)",
            $"--http-port={HttpPort.ToString(CultureInfo.InvariantCulture)}",
            $"--grpc-port={GrpcPort.ToString(CultureInfo.InvariantCulture)}",
            $"--execution-provider={Provider(runtime.ExecutionProvider ?? ExecutionProvider.Auto, gpuCount)}",
            $"--max-batch-size={(runtime.MaxBatchSize ?? 8).ToString(CultureInfo.InvariantCulture)}",
            $"--max-queue-delay-us={(runtime.MaxQueueDelayMicroseconds ?? 2000).ToString(CultureInfo.InvariantCulture)}",
            $"--max-model-bytes={maxModelBytes.ToString(CultureInfo.InvariantCulture)}",
            // A leaving pod (scale-down, promotion, rollback) fails no request: on SIGTERM readiness drops and the
            // server keeps serving while endpoints and proxies let go of it, then finishes what is in flight.
            $"--drain-delay-seconds={DrainDelaySeconds.ToString(CultureInfo.InvariantCulture)}",
            $"--drain-timeout-seconds={DrainTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}",
        };
        if (!string.IsNullOrEmpty(spec.Model.Version))
        {
            args.Add($"--model-version={Literal(spec.Model.Version)}");
        }

        if (!string.IsNullOrEmpty(spec.Model.Sha256))
        {
            args.Add($"--sha256={Literal(spec.Model.Sha256.ToLowerInvariant())}");
        }

        var env = new List<V1EnvVar>
        {
            new() { Name = "POD_IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
        };
        // Values reach the server as written: the kubelet would expand $(VAR) in them too.
        env.AddRange((runtime.Env ?? []).Select(e => e.Value is null ? e : new V1EnvVar { Name = e.Name, Value = Literal(e.Value), ValueFrom = e.ValueFrom }));

        var container = new V1Container
        {
            Name = ContainerName,
            Image = string.IsNullOrEmpty(runtime.Image) ? defaultImage : runtime.Image,
            Args = args,
            Env = env,
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = HttpPort, Protocol = "TCP" }, new V1ContainerPort { Name = "grpc", ContainerPort = GrpcPort, Protocol = "TCP" }],
            Resources = WithDefaultResources(GpuPlacement.Resources(spec.Resources)),
            VolumeMounts = mounts,
            // Started means the model loaded: large models get up to 10 minutes. A model that never loads
            // (bad checksum, unreadable file) leaves the server live but unready; when the window ends the
            // kubelet restarts it, and the load failure the server wrote to the termination log becomes
            // lastState.terminated.message, which ModelLoaded reports (and the restart retries a transient one).
            StartupProbe = Probe($"/v2/models/{modelName}/ready", periodSeconds: 5, failureThreshold: 120),
            LivenessProbe = Probe("/v2/health/live", periodSeconds: 10, failureThreshold: 3),
            ReadinessProbe = Probe($"/v2/models/{modelName}/ready", periodSeconds: 5, failureThreshold: 2),
            TerminationMessagePath = "/dev/termination-log",
            TerminationMessagePolicy = "FallbackToLogsOnError",
            SecurityContext = RestrictedSecurity.Container(),
        };

        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta
            {
                Labels = new Dictionary<string, string>
                {
                    [ModelDeploymentLabels.ModelDeployment] = md.Metadata.Name,
                    [ModelDeploymentLabels.Name] = ModelDeploymentLabels.ModelServer,
                    [ModelDeploymentLabels.Instance] = md.Metadata.Name,
                    [ModelDeploymentLabels.ManagedBy] = ModelDeploymentLabels.Operator,
                },
                Annotations = new Dictionary<string, string>
                {
                    ["prometheus.io/scrape"] = "true",
                    ["prometheus.io/port"] = HttpPort.ToString(CultureInfo.InvariantCulture),
                    ["prometheus.io/path"] = "/metrics",
                },
            },
            Spec = new V1PodSpec
            {
                Containers = [container],
                Volumes = volumes,
                NodeSelector = GpuPlacement.NodeSelector(spec.Scheduling, gpu),
                Tolerations = GpuPlacement.Tolerations(spec.Scheduling, gpu),
                Affinity = spec.Scheduling?.Affinity,
                PriorityClassName = GpuPlacement.PriorityClassName(spec.Scheduling),
                SchedulerName = GpuPlacement.SchedulerName(spec.Scheduling),
                AutomountServiceAccountToken = false,
                EnableServiceLinks = false,
                TerminationGracePeriodSeconds = TerminationGracePeriodSeconds,
                SecurityContext = RestrictedSecurity.Pod(),
            },
        };
    }

    private static string Provider(ExecutionProvider provider, int gpus) => provider switch
    {
        ExecutionProvider.Cuda => "CUDA",
        ExecutionProvider.TensorRT => "TensorRT",
        ExecutionProvider.Cpu => "CPU",
        // Auto on a GPU pod: the server tries CUDA and falls back to CPU with one log line, so a node
        // without working CUDA libraries still serves (slowly) instead of never becoming ready.
        _ => gpus > 0 ? "Auto" : "CPU",
    };

    private static V1Probe Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = "http" },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = 2,
    };

    public static string Literal(string value) => value.Replace("$", "$$", StringComparison.Ordinal);

    private static V1ResourceRequirements WithDefaultResources(V1ResourceRequirements resources)
    {
        var requests = Quantities(resources.Requests);
        var limits = Quantities(resources.Limits);
        ApplyDefaultResources(requests, limits);
        return new V1ResourceRequirements { Requests = requests, Limits = limits };
    }

    // Defaults fill only what the spec leaves out and never contradict it: a memory limit below the default
    // request lowers the request to it; a memory request above the default limit raises the limit to it.
    private static void ApplyDefaultResources(Dictionary<string, ResourceQuantity> requests, Dictionary<string, ResourceQuantity> limits)
    {
        if (!requests.ContainsKey("cpu") && !(limits.TryGetValue("cpu", out var cpuLimit) && cpuLimit.ToDecimal() < DefaultCpuRequest.ToDecimal()))
        {
            requests["cpu"] = DefaultCpuRequest;
        }

        if (!limits.ContainsKey("memory"))
        {
            limits["memory"] = requests.TryGetValue("memory", out var asked) && asked.ToDecimal() > DefaultMemoryLimit.ToDecimal() ? asked : DefaultMemoryLimit;
        }

        if (!requests.ContainsKey("memory"))
        {
            requests["memory"] = limits["memory"].ToDecimal() < DefaultMemoryRequest.ToDecimal() ? limits["memory"] : DefaultMemoryRequest;
        }
    }

    private static Dictionary<string, ResourceQuantity> Quantities(IDictionary<string, ResourceQuantity>? source) =>
        source is null ? new(StringComparer.Ordinal) : new(source, StringComparer.Ordinal);
}
