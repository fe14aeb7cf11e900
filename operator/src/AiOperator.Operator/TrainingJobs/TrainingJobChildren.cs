using System.Globalization;
using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.Pods;
using k8s.Models;

namespace AiOperator.Operator.TrainingJobs;

/// <summary>Desired worker pods and rendezvous Service of a TrainingJob (pure).</summary>
internal static class TrainingJobChildren
{
    public const string ContainerName = "trainer";
    public const string OutputReaderContainerName = "reader";
    public const string OutputReaderSuffix = "-output-reader";
    public const string OutputMountPath = TrainingEnvironment.OutputMountPath;
    public const string DefaultCheckpointMountPath = "/checkpoints";
    public const int DefaultMasterPort = 29500;

    // Requests when the spec gives none: every pod the operator creates asks for something, so the
    // scheduler places it deliberately and quota applies.
    private static readonly IReadOnlyDictionary<string, string> DefaultRequests = new Dictionary<string, string>
    {
        ["cpu"] = "500m",
        ["memory"] = "1Gi",
    };

    // The reader only hashes a file: small requests, and a memory limit so a misbehaving image cannot take a node's memory.
    private static readonly IReadOnlyDictionary<string, string> OutputReaderRequests = new Dictionary<string, string>
    {
        ["cpu"] = "100m",
        ["memory"] = "128Mi",
    };

    public static int Workers(TrainingJob job) => Math.Max(1, job.Spec.Workers ?? 1);

    /// <summary>Processes per worker: one per GPU, at least one.</summary>
    public static int ProcessesPerWorker(TrainingJob job) => Math.Max(1, job.Spec.Resources?.Gpu?.Count ?? 0);

    public static int MasterPort(TrainingJob job) => job.Spec.Distributed?.MasterPort ?? DefaultMasterPort;

    public static string MasterAddress(TrainingJob job) =>
        $"{TrainingEnvironment.WorkerName(job.Metadata.Name, 0)}.{TrainingEnvironment.ServiceName(job.Metadata.Name)}";

    public static string OutputPath(TrainingJob job) => $"{OutputMountPath}/{job.Spec.Output?.Path}";

    /// <param name="templateHash">The job's <see cref="TemplateHash"/> when the caller has it already (one render per gang, not per worker).</param>
    public static V1Pod WorkerPod(TrainingJob job, int rank, int attempt, string? templateHash = null)
    {
        var pod = Render(job, rank, attempt);
        pod.Metadata.Labels[TrainingJobLabels.TemplateHash] = templateHash ?? TemplateHash(job);
        return pod;
    }

    /// <summary>
    /// A short hash of what the spec makes of a worker (rank 0's pod spec): a change of image, command, env,
    /// resources, scheduling, workers or storage changes it, while lifecycle fields (backoffLimit, deadlines,
    /// ttl) do not.
    /// </summary>
    public static string TemplateHash(TrainingJob job)
    {
        var canonical = k8s.KubernetesJson.Serialize(Render(job, 0, 0).Spec);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)))[..10];
    }

    private static V1Pod Render(TrainingJob job, int rank, int attempt)
    {
        ArgumentNullException.ThrowIfNull(job);
        var spec = job.Spec;
        var name = job.Metadata.Name;
        var workers = Workers(job);
        var perWorker = ProcessesPerWorker(job);
        var port = MasterPort(job);
        var master = MasterAddress(job);
        var checkpointPath = spec.Checkpoint?.MountPath ?? DefaultCheckpointMountPath;

        var env = new List<V1EnvVar>
        {
            Env(TrainingEnvironment.MasterAddr, master),
            Env(TrainingEnvironment.MasterPort, Text(port)),
            Env(TrainingEnvironment.WorldSize, Text(workers * perWorker)),
            Env(TrainingEnvironment.Rank, Text(rank)),
            Env(TrainingEnvironment.NodeRank, Text(rank)),
            Env(TrainingEnvironment.LocalWorldSize, Text(perWorker)),
            Env(TrainingEnvironment.PetNnodes, Text(workers)),
            Env(TrainingEnvironment.PetNodeRank, Text(rank)),
            Env(TrainingEnvironment.PetMasterAddr, master),
            Env(TrainingEnvironment.PetMasterPort, Text(port)),
            Env(TrainingEnvironment.PetNprocPerNode, Text(perWorker)),
        };
        if (spec.Checkpoint is not null)
        {
            env.Add(Env(TrainingEnvironment.CheckpointDir, checkpointPath));
        }

        if (spec.Output is not null)
        {
            env.Add(Env(TrainingEnvironment.OutputPath, OutputPath(job)));
        }

        env.AddRange(spec.Env ?? []);

        var volumes = new List<V1Volume> { new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("1Gi") } } };
        var mounts = new List<V1VolumeMount> { new() { Name = "tmp", MountPath = TrainingEnvironment.ScratchMountPath } };
        if (spec.Checkpoint is { } checkpoint)
        {
            volumes.Add(new V1Volume { Name = "checkpoint", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = checkpoint.ClaimName } });
            mounts.Add(new V1VolumeMount { Name = "checkpoint", MountPath = checkpointPath });
        }

        // Only rank 0 writes the model: the claim stays usable when it is ReadWriteOnce and the ranks sit on different nodes.
        if (rank == 0 && spec.Output is { } output)
        {
            volumes.Add(new V1Volume { Name = "output", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = output.ClaimName } });
            mounts.Add(new V1VolumeMount { Name = "output", MountPath = OutputMountPath });
        }

        var resources = GpuPlacement.Resources(spec.Resources);
        resources.Requests ??= new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        foreach (var (resource, quantity) in DefaultRequests)
        {
            if (!resources.Requests.ContainsKey(resource) && resources.Limits?.ContainsKey(resource) != true)
            {
                resources.Requests[resource] = new ResourceQuantity(quantity);
            }
        }

        var gpu = spec.Resources?.Gpu;
        var podName = TrainingEnvironment.WorkerName(name, rank);
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = Metadata(job, podName, new Dictionary<string, string>
            {
                [TrainingJobLabels.Rank] = Text(rank),
                [TrainingJobLabels.Gang] = Text(attempt),
            }),
            Spec = new V1PodSpec
            {
                // The controller restarts the whole gang; a worker restarted alone would rejoin a dead rendezvous.
                RestartPolicy = "Never",
                Hostname = podName,
                Subdomain = TrainingEnvironment.ServiceName(name),
                Containers =
                [
                    new V1Container
                    {
                        Name = ContainerName,
                        Image = spec.Image,
                        Command = spec.Command is { Count: > 0 } ? [.. spec.Command] : null,
                        Args = spec.Args is { Count: > 0 } ? [.. spec.Args] : null,
                        Env = env,
                        Ports = [new V1ContainerPort { Name = "rendezvous", ContainerPort = port, Protocol = "TCP" }],
                        Resources = resources,
                        VolumeMounts = mounts,
                        // Rank 0 reports {"sha256":...,"metrics":{...}} here; a crash leaves its last log lines instead.
                        TerminationMessagePath = "/dev/termination-log",
                        TerminationMessagePolicy = "FallbackToLogsOnError",
                        SecurityContext = RestrictedSecurity.Container(),
                    },
                ],
                Volumes = volumes,
                NodeSelector = GpuPlacement.NodeSelector(spec.Scheduling, gpu),
                Tolerations = GpuPlacement.Tolerations(spec.Scheduling, gpu),
                Affinity = spec.Scheduling?.Affinity,
                PriorityClassName = GpuPlacement.PriorityClassName(spec.Scheduling),
                SchedulerName = GpuPlacement.SchedulerName(spec.Scheduling),
                AutomountServiceAccountToken = false,
                EnableServiceLinks = false,
                TerminationGracePeriodSeconds = 30,
                SecurityContext = RestrictedSecurity.Pod(),
            },
        };
    }

    public static string OutputReaderName(TrainingJob job) => job.Metadata.Name + OutputReaderSuffix;

    /// <summary>
    /// The output reader: mounts the output claim read-only and runs <c>report --output /output/PATH</c>, which writes
    /// {"sha256":...,"metrics":{...}} to its termination message. No GPU, no GPU toleration or product selector (it
    /// lands on a CPU node); the job's schedulerName and priority class, so a cluster whose scheduler is Volcano
    /// places it like the workers. Not selected by the rendezvous Service (no training-job label).
    /// </summary>
    public static V1Pod OutputReaderPod(TrainingJob job, string image)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrEmpty(image);
        var output = job.Spec.Output ?? throw new ArgumentException("the job has no spec.output", nameof(job));
        var metadata = Metadata(job, OutputReaderName(job), null);
        metadata.Labels.Remove(TrainingJobLabels.TrainingJob);
        metadata.Labels[TrainingJobLabels.OutputReaderOf] = job.Metadata.Name;
        metadata.Labels[TrainingJobLabels.Name] = TrainingJobLabels.OutputReader;
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = metadata,
            Spec = new V1PodSpec
            {
                RestartPolicy = "Never",
                Containers =
                [
                    new V1Container
                    {
                        Name = OutputReaderContainerName,
                        Image = image,
                        Args = ["report", "--output", OutputPath(job)],
                        Resources = new V1ResourceRequirements
                        {
                            Requests = OutputReaderRequests.ToDictionary(r => r.Key, r => new ResourceQuantity(r.Value), StringComparer.Ordinal),
                            Limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["memory"] = new ResourceQuantity("256Mi") },
                        },
                        VolumeMounts = [new V1VolumeMount { Name = "output", MountPath = OutputMountPath, ReadOnlyProperty = true }],
                        TerminationMessagePath = "/dev/termination-log",
                        TerminationMessagePolicy = "FallbackToLogsOnError",
                        SecurityContext = RestrictedSecurity.Container(),
                    },
                ],
                Volumes = [new V1Volume { Name = "output", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = output.ClaimName, ReadOnlyProperty = true } }],
                PriorityClassName = GpuPlacement.PriorityClassName(job.Spec.Scheduling),
                SchedulerName = GpuPlacement.SchedulerName(job.Spec.Scheduling),
                AutomountServiceAccountToken = false,
                EnableServiceLinks = false,
                TerminationGracePeriodSeconds = 5,
                SecurityContext = RestrictedSecurity.Pod(),
            },
        };
    }

    /// <summary>Headless: rank 0 resolves as NAME-worker-0.NAME-workers, before it is ready (publishNotReadyAddresses).</summary>
    public static V1Service Service(TrainingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var port = MasterPort(job);
        return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = Metadata(job, TrainingEnvironment.ServiceName(job.Metadata.Name), null),
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                PublishNotReadyAddresses = true,
                Selector = new Dictionary<string, string> { [TrainingJobLabels.TrainingJob] = job.Metadata.Name },
                Ports = [new V1ServicePort { Name = "rendezvous", Port = port, TargetPort = port, Protocol = "TCP" }],
            },
        };
    }

    private static V1ObjectMeta Metadata(TrainingJob job, string name, Dictionary<string, string>? extraLabels)
    {
        var labels = new Dictionary<string, string>
        {
            [TrainingJobLabels.TrainingJob] = job.Metadata.Name,
            [TrainingJobLabels.Name] = TrainingJobLabels.Trainer,
            [TrainingJobLabels.Instance] = job.Metadata.Name,
            [TrainingJobLabels.ManagedBy] = TrainingJobLabels.Operator,
        };
        foreach (var (key, value) in extraLabels ?? [])
        {
            labels[key] = value;
        }

        return new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = job.Metadata.NamespaceProperty,
            Labels = labels,
            OwnerReferences =
            [
                new V1OwnerReference
                {
                    ApiVersion = GroupVersion.ApiVersion,
                    Kind = TrainingJob.KindName,
                    Name = job.Metadata.Name,
                    Uid = job.Metadata.Uid,
                    Controller = true,
                    BlockOwnerDeletion = true,
                },
            ],
        };
    }

    private static V1EnvVar Env(string name, string value) => new() { Name = name, Value = value };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
