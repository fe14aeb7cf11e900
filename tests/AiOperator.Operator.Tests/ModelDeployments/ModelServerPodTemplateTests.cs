using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.ModelDeployments;
using k8s.Models;

namespace AiOperator.Operator.Tests.ModelDeployments;

public sealed class ModelServerPodTemplateTests
{
    private const string Image = "ghcr.io/aioperator/model-server:0.1.0";

    [Fact]
    public void Gpu_pods_request_gpus_select_the_product_and_tolerate_the_gpu_taint()
    {
        var md = ModelDeploymentFixtures.Resnet();
        var pod = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec;
        var container = Assert.Single(pod.Containers);
        Assert.Equal("1", container.Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.Equal("1", container.Resources.Requests["nvidia.com/gpu"].ToString());
        Assert.Equal("8Gi", container.Resources.Requests["memory"].ToString());
        Assert.Equal("NVIDIA-H100-80GB-HBM3", pod.NodeSelector["nvidia.com/gpu.product"]);
        var toleration = Assert.Single(pod.Tolerations);
        Assert.Equal(("nvidia.com/gpu", "Exists", "NoSchedule"), (toleration.Key, toleration.OperatorProperty, toleration.Effect));
        Assert.Contains("--execution-provider=Auto", container.Args);
        md.Spec.Runtime = new RuntimeSpec { ExecutionProvider = ExecutionProvider.Cuda };
        Assert.Contains("--execution-provider=CUDA", ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec.Containers[0].Args);
    }

    [Fact]
    public void Cpu_pods_get_no_gpu_resources_or_toleration_and_run_the_cpu_provider()
    {
        var md = ModelDeploymentFixtures.Resnet(gpus: 0);
        var pod = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec;
        Assert.Null(pod.Tolerations);
        Assert.False(pod.Containers[0].Resources.Limits.ContainsKey("nvidia.com/gpu"));
        Assert.Contains("--execution-provider=CPU", pod.Containers[0].Args);
    }

    [Fact]
    public void Mig_profiles_are_requested_by_their_resource_name()
    {
        var md = ModelDeploymentFixtures.Resnet();
        md.Spec.Resources!.Gpu!.ResourceName = "nvidia.com/mig-1g.10gb";
        var container = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec.Containers[0];
        Assert.Equal("1", container.Resources.Limits["nvidia.com/mig-1g.10gb"].ToString());
        Assert.False(container.Resources.Limits.ContainsKey("nvidia.com/gpu"));
    }

    [Fact]
    public void Pvc_models_are_mounted_read_only_and_served_from_the_mount()
    {
        var md = ModelDeploymentFixtures.Resnet();
        var pod = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec;
        var volume = Assert.Single(pod.Volumes, v => v.Name == "model");
        Assert.Equal("models", volume.PersistentVolumeClaim.ClaimName);
        Assert.True(volume.PersistentVolumeClaim.ReadOnlyProperty);
        Assert.Contains("--model-uri=/models/resnet18/3/model.onnx", pod.Containers[0].Args);
        Assert.True(Assert.Single(pod.Containers[0].VolumeMounts, m => m.Name == "model").ReadOnlyProperty);
    }

    [Fact]
    public void Http_models_are_passed_through_and_sha256_is_checked_by_the_server()
    {
        var md = ModelDeploymentFixtures.Resnet();
        md.Spec.Model.Uri = "https://models.example/r.onnx";
        md.Spec.Model.Sha256 = new string('A', 64);
        var pod = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri, Image).Spec;
        Assert.DoesNotContain(pod.Volumes, v => v.Name == "model");
        Assert.Contains("--model-uri=https://models.example/r.onnx", pod.Containers[0].Args);
        Assert.Contains("--sha256=" + new string('a', 64), pod.Containers[0].Args);
    }

    [Fact]
    public void Pods_meet_the_restricted_pod_security_standard()
    {
        var md = ModelDeploymentFixtures.Resnet();
        var pod = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec;
        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.False(pod.AutomountServiceAccountToken);
        var security = pod.Containers[0].SecurityContext;
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.All(pod.Volumes, v => Assert.True(v.EmptyDir is not null || v.PersistentVolumeClaim is not null, "restricted allows only these volume kinds here"));
    }

    [Fact]
    public void Probes_hit_the_oip_health_endpoints_and_the_image_defaults_to_the_operator_setting()
    {
        var md = ModelDeploymentFixtures.Resnet();
        var container = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec.Containers[0];
        Assert.Equal("/v2/health/live", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/v2/models/resnet18/ready", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/v2/models/resnet18/ready", container.StartupProbe.HttpGet.Path);
        Assert.Equal(600, container.StartupProbe.PeriodSeconds * container.StartupProbe.FailureThreshold);
        Assert.Equal(Image, container.Image);
        md.Spec.Runtime = new RuntimeSpec { Image = "registry.example/server:2" };
        Assert.Equal("registry.example/server:2", ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec.Containers[0].Image);
    }

    [Fact]
    public void Model_name_defaults_to_the_resource_name()
    {
        var md = ModelDeploymentFixtures.Resnet();
        md.Spec.Model.Name = null;
        Assert.Contains("--model-name=resnet", ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec.Containers[0].Args);
    }

    [Fact]
    public void User_strings_reach_the_server_unchanged_after_the_kubelet_expands_variables()
    {
        var md = ModelDeploymentFixtures.Resnet();
        md.Spec.Model.Uri = "https://models.example/m.onnx?sig=$(SECRET)&x=$$y";
        md.Spec.Model.Version = "v$(HOME)";
        md.Spec.Runtime = new RuntimeSpec { Env = [new V1EnvVar { Name = "GREETING", Value = "hi $(POD_IP) $$" }] };
        var container = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri, Image).Spec.Containers[0];

        // What the kubelet does to args and env values: $(VAR) of a known variable is replaced, $$ becomes $.
        var env = new Dictionary<string, string> { ["SECRET"] = "leaked", ["HOME"] = "/root", ["POD_IP"] = "10.0.0.1" };
        var args = container.Args.Select(a => AiOperator.LocalCluster.Simulation.Kubelet.ContainerEnvironment.Expand(a, env)).ToList();
        Assert.Contains("--model-uri=https://models.example/m.onnx?sig=$(SECRET)&x=$$y", args);
        Assert.Contains("--model-version=v$(HOME)", args);
        Assert.Contains("--host=10.0.0.1", args);
        var greeting = container.Env.Single(e => e.Name == "GREETING").Value;
        Assert.Equal("hi $(POD_IP) $$", AiOperator.LocalCluster.Simulation.Kubelet.ContainerEnvironment.Expand(greeting, env));
        Assert.Equal("hi $(POD_IP) $$", md.Spec.Runtime.Env[0].Value);
    }

    [Fact]
    public void A_pod_without_resources_in_its_spec_gets_requests_and_a_memory_limit()
    {
        var md = ModelDeploymentFixtures.Resnet(gpus: 0);
        md.Spec.Resources = null;
        var resources = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec.Containers[0].Resources;
        Assert.Equal("500m", resources.Requests["cpu"].ToString());
        Assert.Equal("1Gi", resources.Requests["memory"].ToString());
        Assert.Equal("4Gi", resources.Limits["memory"].ToString());
    }

    [Fact]
    public void Default_resources_never_contradict_what_the_spec_sets()
    {
        var md = ModelDeploymentFixtures.Resnet(gpus: 0);
        md.Spec.Resources = new ResourcesSpec { Requests = new Dictionary<string, ResourceQuantity> { ["memory"] = new("16Gi") } };
        var big = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec.Containers[0].Resources;
        Assert.Equal("16Gi", big.Limits["memory"].ToString());

        md.Spec.Resources = new ResourcesSpec { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("512Mi"), ["cpu"] = new("250m") } };
        var small = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec.Containers[0].Resources;
        Assert.Equal("512Mi", small.Requests["memory"].ToString());
        Assert.False(small.Requests.ContainsKey("cpu"), "a cpu limit below the default request leaves the request to the API server (it copies the limit)");
    }

    [Fact]
    public void A_leaving_pod_drains_within_its_grace_period()
    {
        var md = ModelDeploymentFixtures.Resnet();
        var pod = ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec;
        Assert.Contains("--drain-delay-seconds=5", pod.Containers[0].Args);
        Assert.Contains("--drain-timeout-seconds=20", pod.Containers[0].Args);
        Assert.True(ModelServerPodTemplate.DrainDelaySeconds + ModelServerPodTemplate.DrainTimeoutSeconds < pod.TerminationGracePeriodSeconds,
            "SIGKILL must not cut the drain short");
    }

    [Fact]
    public void A_scheduler_name_is_passed_to_the_pods_and_absent_by_default()
    {
        var md = ModelDeploymentFixtures.Resnet();
        Assert.Null(ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec.SchedulerName);
        md.Spec.Scheduling = new SchedulingSpec { SchedulerName = "volcano" };
        Assert.Equal("volcano", ModelServerPodTemplate.Render(md, md.Spec.Model.Uri!, Image).Spec.SchedulerName);
    }
}
