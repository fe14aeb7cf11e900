using System.Globalization;
using AiOperator.Api.V1Alpha1;
using AiOperator.Operator.ModelDeployments;
using k8s.Models;

namespace AiOperator.Operator.Tests.ModelDeployments;

/// <summary>The model cache volume and the server's download cap agree, by default and when configured.</summary>
public sealed class ModelServerPodTemplateCacheTests
{
    private const string Image = "ghcr.io/aioperator/model-server:0.1.0";

    private static (long SizeLimit, long Cap) Render(ModelDeployment md)
    {
        var pod = ModelServerPodTemplate.Render(md, "https://models.example/m.onnx", Image).Spec;
        var tmp = Assert.Single(pod.Volumes, v => v.Name == "tmp");
        var cap = Assert.Single(pod.Containers[0].Args, a => a.StartsWith("--max-model-bytes=", StringComparison.Ordinal));
        return ((long)tmp.EmptyDir.SizeLimit.ToDecimal(), long.Parse(cap["--max-model-bytes=".Length..], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_container_serves_grpc_on_a_named_port()
    {
        var md = ModelDeploymentFixtures.Resnet();
        var container = ModelServerPodTemplate.Render(md, "https://models.example/m.onnx", Image).Spec.Containers[0];
        Assert.Contains("--grpc-port=8001", container.Args);
        Assert.Contains(container.Ports, p => p.Name == "grpc" && p.ContainerPort == 8001);
    }

    [Fact]
    public void By_default_the_cache_volume_holds_the_largest_model_the_server_will_download()
    {
        var (size, cap) = Render(ModelDeploymentFixtures.Resnet());
        Assert.Equal(ModelServerPodTemplate.DefaultMaxModelBytes, cap);
        Assert.Equal(cap + ModelServerPodTemplate.CacheHeadroomBytes, size);
    }

    [Fact]
    public void Aiop_max_model_bytes_in_env_sets_both_the_cap_and_the_volume()
    {
        var md = ModelDeploymentFixtures.Resnet();
        md.Spec.Runtime = new RuntimeSpec { Env = [new V1EnvVar { Name = "AIOP_MAX_MODEL_BYTES", Value = "8589934592" }] };
        var (size, cap) = Render(md);
        Assert.Equal(8L << 30, cap);
        Assert.Equal(cap + ModelServerPodTemplate.CacheHeadroomBytes, size);

        md.Spec.Runtime.Env = [new V1EnvVar { Name = "AIOP_MAX_MODEL_BYTES", Value = "lots" }];
        Assert.Equal(ModelServerPodTemplate.DefaultMaxModelBytes, Render(md).Cap);
    }
}
