using System.Globalization;
using AiOperator.Api.V1Alpha1;
using AiOperator.Api.Validation;
using k8s.Models;

namespace AiOperator.Operator.ModelDeployments;

/// <summary>Renders the model-server pod template of a ModelDeployment (pure; labels without the revision).</summary>
internal static class ModelServerPodTemplate
{
    public const int HttpPort = 8080;
    public const string ContainerName = "model-server";
    public const string ModelMountPath = "/models";
    public const string GpuTaintKey = "nvidia.com/gpu";

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
        var gpuResource = gpu.ResourceName ?? "nvidia.com/gpu";
        var modelName = ModelName(md);

        var volumes = new List<V1Volume> { new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("1Gi") } } };
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
            $"--model-uri={serverUri}",
            $"--model-name={modelName}",
            // $(POD_IP) is expanded by the kubelet: the server binds its pod's address only.
            "--host=$(POD_IP)",
            $"--http-port={HttpPort.ToString(CultureInfo.InvariantCulture)}",
            $"--execution-provider={Provider(runtime.ExecutionProvider ?? ExecutionProvider.Auto, gpuCount)}",
            $"--max-batch-size={(runtime.MaxBatchSize ?? 8).ToString(CultureInfo.InvariantCulture)}",
            $"--max-queue-delay-us={(runtime.MaxQueueDelayMicroseconds ?? 2000).ToString(CultureInfo.InvariantCulture)}",
            // A leaving pod (scale-down, promotion, rollback) fails no request: on SIGTERM readiness drops and the
            // server keeps serving while endpoints and proxies let go of it, then finishes what is in flight.
            $"--drain-delay-seconds={DrainDelaySeconds.ToString(CultureInfo.InvariantCulture)}",
            $"--drain-timeout-seconds={DrainTimeoutSeconds.ToString(CultureInfo.InvariantCulture)}",
        };
        if (!string.IsNullOrEmpty(spec.Model.Version))
        {
            args.Add($"--model-version={spec.Model.Version}");
        }

        if (!string.IsNullOrEmpty(spec.Model.Sha256))
        {
            args.Add($"--sha256={spec.Model.Sha256.ToLowerInvariant()}");
        }

        var env = new List<V1EnvVar>
        {
            new() { Name = "POD_IP", ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "status.podIP" } } },
        };
        env.AddRange(runtime.Env ?? []);

        var requests = Quantities(spec.Resources?.Requests);
        var limits = Quantities(spec.Resources?.Limits);
        if (gpuCount > 0)
        {
            // Extended resources must be requested and limited alike.
            var count = new ResourceQuantity(gpuCount.ToString(CultureInfo.InvariantCulture));
            requests[gpuResource] = count;
            limits[gpuResource] = count;
        }

        var nodeSelector = new Dictionary<string, string>(spec.Scheduling?.NodeSelector ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(gpu.Product))
        {
            nodeSelector["nvidia.com/gpu.product"] = gpu.Product;
        }

        var tolerations = new List<V1Toleration>(spec.Scheduling?.Tolerations ?? []);
        if (gpuCount > 0 && !tolerations.Any(t => t.Key == GpuTaintKey))
        {
            tolerations.Add(new V1Toleration { Key = GpuTaintKey, OperatorProperty = "Exists", Effect = "NoSchedule" });
        }

        var container = new V1Container
        {
            Name = ContainerName,
            Image = string.IsNullOrEmpty(runtime.Image) ? defaultImage : runtime.Image,
            Args = args,
            Env = env,
            Ports = [new V1ContainerPort { Name = "http", ContainerPort = HttpPort, Protocol = "TCP" }],
            Resources = new V1ResourceRequirements
            {
                Requests = requests.Count > 0 ? requests : null,
                Limits = limits.Count > 0 ? limits : null,
            },
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
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                RunAsNonRoot = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
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
                NodeSelector = nodeSelector.Count > 0 ? nodeSelector : null,
                Tolerations = tolerations.Count > 0 ? tolerations : null,
                Affinity = spec.Scheduling?.Affinity,
                PriorityClassName = string.IsNullOrEmpty(spec.Scheduling?.PriorityClassName) ? null : spec.Scheduling.PriorityClassName,
                AutomountServiceAccountToken = false,
                EnableServiceLinks = false,
                TerminationGracePeriodSeconds = TerminationGracePeriodSeconds,
                SecurityContext = new V1PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = 65532,
                    RunAsGroup = 65532,
                    FsGroup = 65532,
                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                },
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

    private static Dictionary<string, ResourceQuantity> Quantities(IDictionary<string, ResourceQuantity>? source) =>
        source is null ? new(StringComparer.Ordinal) : new(source, StringComparer.Ordinal);
}
