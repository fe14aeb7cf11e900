using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.TrainingJobs;
using k8s.Models;

namespace AiOperator.Operator.Tests.TrainingJobs;

public sealed class TrainingJobChildrenTests
{
    private static Dictionary<string, string> Env(V1Pod pod) => pod.Spec.Containers[0].Env.ToDictionary(e => e.Name, e => e.Value);

    [Fact]
    public void Every_rank_gets_the_torchrun_environment()
    {
        var job = TrainingJobFixtures.Job(workers: 4, gpus: 8);
        var env = Env(TrainingJobChildren.WorkerPod(job, 2, attempt: 1));
        Assert.Equal("ft-worker-0.ft-workers", env["MASTER_ADDR"]);
        Assert.Equal("29500", env["MASTER_PORT"]);
        Assert.Equal("32", env["WORLD_SIZE"]);
        Assert.Equal("2", env["RANK"]);
        Assert.Equal("2", env["NODE_RANK"]);
        Assert.Equal("8", env["LOCAL_WORLD_SIZE"]);
        Assert.Equal("4", env["PET_NNODES"]);
        Assert.Equal("2", env["PET_NODE_RANK"]);
        Assert.Equal("ft-worker-0.ft-workers", env["PET_MASTER_ADDR"]);
        Assert.Equal("29500", env["PET_MASTER_PORT"]);
        Assert.Equal("8", env["PET_NPROC_PER_NODE"]);
        Assert.Equal("/checkpoints", env["CHECKPOINT_DIR"]);
        Assert.Equal("/output/resnet18/4/model.onnx", env["OUTPUT_PATH"]);
        Assert.All(TrainingEnvironment.Reserved, name => Assert.True(env.ContainsKey(name), name));
    }

    [Fact]
    public void Cpu_workers_run_one_process_each_and_user_env_follows_the_injected_names()
    {
        var job = TrainingJobFixtures.Job(workers: 3, gpus: 0);
        job.Spec.Env = [new V1EnvVar { Name = "LR", Value = "0.001" }];
        job.Spec.Distributed = new DistributedSpec { MasterPort = 23456 };
        var pod = TrainingJobChildren.WorkerPod(job, 0, attempt: 1);
        var env = Env(pod);
        Assert.Equal(("3", "1", "1", "23456"), (env["WORLD_SIZE"], env["LOCAL_WORLD_SIZE"], env["PET_NPROC_PER_NODE"], env["MASTER_PORT"]));
        Assert.Equal("LR", pod.Spec.Containers[0].Env[^1].Name);
        Assert.Null(pod.Spec.Tolerations);
        Assert.Equal(23456, pod.Spec.Containers[0].Ports[0].ContainerPort);
    }

    [Fact]
    public void Pods_are_named_by_rank_labelled_by_gang_owned_by_the_job_and_never_restarted_by_the_kubelet()
    {
        var pod = TrainingJobChildren.WorkerPod(TrainingJobFixtures.Job(), 1, attempt: 3);
        Assert.Equal("ft-worker-1", pod.Metadata.Name);
        Assert.Equal("vision", pod.Metadata.NamespaceProperty);
        Assert.Equal("ft", pod.Metadata.Labels["aioperator.dev/training-job"]);
        Assert.Equal("1", pod.Metadata.Labels["aioperator.dev/rank"]);
        Assert.Equal("3", pod.Metadata.Labels["aioperator.dev/gang"]);
        Assert.Equal("aioperator", pod.Metadata.Labels["app.kubernetes.io/managed-by"]);
        var owner = Assert.Single(pod.Metadata.OwnerReferences);
        Assert.Equal(("TrainingJob", "ft", "uid-tj", true, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal("Never", pod.Spec.RestartPolicy);
        Assert.Equal(("ft-worker-1", "ft-workers"), (pod.Spec.Hostname, pod.Spec.Subdomain));
        Assert.Equal("FallbackToLogsOnError", pod.Spec.Containers[0].TerminationMessagePolicy);
    }

    [Fact]
    public void Gpus_product_toleration_scheduler_and_restricted_security_are_set_as_for_model_servers()
    {
        var job = TrainingJobFixtures.Job(gpus: 8);
        job.Spec.Scheduling = new SchedulingSpec { SchedulerName = "volcano", PriorityClassName = "training" };
        var spec = TrainingJobChildren.WorkerPod(job, 0, 1).Spec;
        var container = spec.Containers[0];
        Assert.Equal("8", container.Resources.Requests["nvidia.com/gpu"].ToString());
        Assert.Equal("8", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("4", container.Resources.Requests["cpu"].ToString());
        Assert.Equal("NVIDIA-H100-80GB-HBM3", spec.NodeSelector["nvidia.com/gpu.product"]);
        Assert.Equal("nvidia.com/gpu", Assert.Single(spec.Tolerations).Key);
        Assert.Equal(("volcano", "training"), (spec.SchedulerName, spec.PriorityClassName));
        Assert.True(spec.SecurityContext.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", spec.SecurityContext.SeccompProfile.Type);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.False(spec.AutomountServiceAccountToken);
    }

    [Fact]
    public void Mig_profiles_are_requested_by_name_and_requests_default_when_the_spec_has_none()
    {
        var job = TrainingJobFixtures.Job(gpus: 1);
        job.Spec.Resources = new ResourcesSpec { Gpu = new GpuSpec { Count = 1, ResourceName = "nvidia.com/mig-1g.10gb" } };
        var resources = TrainingJobChildren.WorkerPod(job, 0, 1).Spec.Containers[0].Resources;
        Assert.Equal("1", resources.Limits["nvidia.com/mig-1g.10gb"].ToString());
        Assert.False(resources.Limits.ContainsKey("nvidia.com/gpu"));
        Assert.Equal("500m", resources.Requests["cpu"].ToString());
        Assert.Equal("1Gi", resources.Requests["memory"].ToString());
    }

    [Fact]
    public void The_checkpoint_claim_is_mounted_everywhere_and_the_output_claim_on_rank_0()
    {
        var job = TrainingJobFixtures.Job(workers: 2);
        var rank0 = TrainingJobChildren.WorkerPod(job, 0, 1);
        var rank1 = TrainingJobChildren.WorkerPod(job, 1, 1);
        foreach (var pod in new[] { rank0, rank1 })
        {
            Assert.Equal("ckpt", Assert.Single(pod.Spec.Volumes, v => v.Name == "checkpoint").PersistentVolumeClaim.ClaimName);
            Assert.Equal("/checkpoints", Assert.Single(pod.Spec.Containers[0].VolumeMounts, m => m.Name == "checkpoint").MountPath);
        }

        Assert.Equal("models", Assert.Single(rank0.Spec.Volumes, v => v.Name == "output").PersistentVolumeClaim.ClaimName);
        Assert.Equal("/output", Assert.Single(rank0.Spec.Containers[0].VolumeMounts, m => m.Name == "output").MountPath);
        Assert.DoesNotContain(rank1.Spec.Volumes, v => v.Name == "output");
    }

    [Fact]
    public void The_rendezvous_service_is_headless_and_publishes_unready_workers()
    {
        var service = TrainingJobChildren.Service(TrainingJobFixtures.Job());
        Assert.Equal("ft-workers", service.Metadata.Name);
        Assert.Equal("None", service.Spec.ClusterIP);
        Assert.True(service.Spec.PublishNotReadyAddresses);
        Assert.Equal("ft", service.Spec.Selector["aioperator.dev/training-job"]);
        Assert.Equal(29500, Assert.Single(service.Spec.Ports).Port);
        Assert.True(Assert.Single(service.Metadata.OwnerReferences).Controller);
    }

    [Fact]
    public void The_output_reader_mounts_the_output_claim_read_only_on_a_cpu_node_under_restricted_security()
    {
        var job = TrainingJobFixtures.Job(gpus: 8);
        job.Spec.Scheduling = new SchedulingSpec { SchedulerName = "volcano", PriorityClassName = "training", NodeSelector = new Dictionary<string, string> { ["pool"] = "gpu" } };
        var pod = TrainingJobChildren.OutputReaderPod(job, "ghcr.io/aioperator/trainer:0.1.0");

        Assert.Equal("ft-output-reader", pod.Metadata.Name);
        Assert.True(Assert.Single(pod.Metadata.OwnerReferences).Controller);
        Assert.Equal("aioperator", pod.Metadata.Labels["app.kubernetes.io/managed-by"]);
        Assert.Equal("ft", pod.Metadata.Labels["aioperator.dev/output-reader-of"]);
        // Not a worker: the rendezvous Service must not select it.
        Assert.False(pod.Metadata.Labels.ContainsKey("aioperator.dev/training-job"));

        var spec = pod.Spec;
        var container = Assert.Single(spec.Containers);
        Assert.Equal("ghcr.io/aioperator/trainer:0.1.0", container.Image);
        Assert.Equal(["report", "--output", "/output/resnet18/4/model.onnx"], container.Args);
        Assert.Null(container.Command);
        Assert.Equal("Never", spec.RestartPolicy);
        var volume = Assert.Single(spec.Volumes);
        Assert.Equal(("models", true), (volume.PersistentVolumeClaim.ClaimName, volume.PersistentVolumeClaim.ReadOnlyProperty == true));
        var mount = Assert.Single(container.VolumeMounts);
        Assert.Equal(("/output", true), (mount.MountPath, mount.ReadOnlyProperty == true));

        // No GPU and nothing that steers it to GPU nodes; the job's scheduler and priority all the same.
        Assert.Equal(["cpu", "memory"], container.Resources.Requests.Keys.Order());
        Assert.DoesNotContain(container.Resources.Limits.Keys, k => k.Contains("gpu", StringComparison.Ordinal));
        Assert.Null(spec.NodeSelector);
        Assert.Null(spec.Tolerations);
        Assert.Equal(("volcano", "training"), (spec.SchedulerName, spec.PriorityClassName));

        Assert.True(spec.SecurityContext.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", spec.SecurityContext.SeccompProfile.Type);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.False(spec.AutomountServiceAccountToken);
        Assert.Equal("/dev/termination-log", container.TerminationMessagePath);
    }

    [Fact]
    public void The_template_hash_follows_what_shapes_the_workers_and_not_lifecycle_fields()
    {
        var job = TrainingJobFixtures.Job();
        var hash = TrainingJobChildren.TemplateHash(job);
        Assert.Equal(hash, TrainingJobChildren.WorkerPod(job, 1, 2).Metadata.Labels["aioperator.dev/template-hash"]);

        job.Spec.BackoffLimit = 9;
        job.Spec.TtlSecondsAfterFinished = 60;
        job.Spec.ActiveDeadlineSeconds = 600;
        Assert.Equal(hash, TrainingJobChildren.TemplateHash(job));

        job.Spec.Image = "trainer:2";
        var imageChanged = TrainingJobChildren.TemplateHash(job);
        Assert.NotEqual(hash, imageChanged);
        job.Spec.Workers = (job.Spec.Workers ?? 1) + 1;
        Assert.NotEqual(imageChanged, TrainingJobChildren.TemplateHash(job));
    }
}
