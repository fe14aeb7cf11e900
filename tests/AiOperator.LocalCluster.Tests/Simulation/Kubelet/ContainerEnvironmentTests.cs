using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Simulation.Kubelet;

using AiOperator.LocalCluster.Simulation.Kubelet;

public sealed class ContainerEnvironmentTests
{
    [Fact]
    public void Field_refs_config_and_expansion_resolve_like_the_kubelet()
    {
        var container = new V1Container
        {
            Name = "main",
            EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = "settings" }, Prefix = "CFG_" }],
            Env =
            [
                Field("POD_NAME", "metadata.name"),
                Field("POD_NAMESPACE", "metadata.namespace"),
                Field("MY_IP", "status.podIP"),
                Field("TEAM", "metadata.labels['team']"),
                new V1EnvVar { Name = "URL", Value = "http://$(MY_IP):8080/$(MISSING)/$$(MY_IP)" },
                new V1EnvVar { Name = "TOKEN", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "creds", Key = "token" } } },
                new V1EnvVar { Name = "UPSTREAM", Value = "http://models.serving:8000" },
                new V1EnvVar { Name = "MODEL", Value = "/models/resnet/model.onnx" },
            ],
            VolumeMounts = [new V1VolumeMount { Name = "models", MountPath = "/models" }],
        };
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p-1", NamespaceProperty = "ns", Labels = new Dictionary<string, string> { ["team"] = "vision" } }, Spec = new V1PodSpec { Containers = [container] } };
        var mounts = VolumePaths.Mounts(container, new Dictionary<string, string> { ["models"] = "/state/pvcs/ns/models" });

        var env = ContainerEnvironment.Build(Inputs(pod, container, mounts)).ToDictionary(e => e.Key, e => e.Value);

        Assert.Equal("p-1", env["POD_NAME"]);
        Assert.Equal("ns", env["POD_NAMESPACE"]);
        Assert.Equal("127.2.0.9", env["MY_IP"]);
        Assert.Equal("vision", env["TEAM"]);
        Assert.Equal("http://127.2.0.9:8080/$(MISSING)/$(MY_IP)", env["URL"]);
        Assert.Equal("s3cret", env["TOKEN"]);
        Assert.Equal("debug", env["CFG_LOG_LEVEL"]);
        Assert.Equal("http://127.1.0.3:8000", env["UPSTREAM"]);
        Assert.Equal("/state/pvcs/ns/models/resnet/model.onnx", env["MODEL"]);
        Assert.Equal("127.2.0.9", env[ContainerEnvironment.PodIpVariable]);
        Assert.Equal("/state/pods/ns/p-1/termination-log", env[ContainerEnvironment.TerminationLogVariable]);
    }

    [Fact]
    public void Missing_config_map_names_the_object()
    {
        var container = new V1Container { Name = "main", Env = [new V1EnvVar { Name = "X", ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = "absent", Key = "k" } } }] };
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "ns" }, Spec = new V1PodSpec { Containers = [container] } };

        var ex = Assert.Throws<ContainerStartException>(() => ContainerEnvironment.Build(Inputs(pod, container, [])));

        Assert.Equal("CreateContainerConfigError", ex.Reason);
        Assert.Contains("configmap \"absent\" not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Optional_missing_key_is_skipped()
    {
        var container = new V1Container { Name = "main", Env = [new V1EnvVar { Name = "X", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "creds", Key = "nope", Optional = true } } }] };
        var pod = new V1Pod { Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "ns" }, Spec = new V1PodSpec { Containers = [container] } };

        Assert.DoesNotContain(ContainerEnvironment.Build(Inputs(pod, container, [])), e => e.Key == "X");
    }

    [Fact]
    public void Arguments_follow_the_image_args_with_expansion_dns_and_paths()
    {
        var container = new V1Container { Name = "main", Command = ["--host", "$(AIOP_POD_IP)"], Args = ["--upstream", "http://models.serving.svc.cluster.local:8000", "--model", "/models/m.onnx"] };
        var env = new List<KeyValuePair<string, string>> { new("AIOP_POD_IP", "127.2.0.9") };

        var args = ContainerEnvironment.Arguments(["/app/server.dll"], container, env, "ns", Dns, [("/models", "/state/m")]);

        Assert.Equal(["/app/server.dll", "--host", "127.2.0.9", "--upstream", "http://127.1.0.3:8000", "--model", "/state/m/m.onnx"], args);
    }

    [Theory]
    [InlineData("/models", "/models/a", "/host/a")]
    [InlineData("/models", "/models", "/host")]
    [InlineData("/models", "/modelsx/a", "/modelsx/a")]
    [InlineData("/models", "path=/models/a,/models/b", "path=/host/a,/host/b")]
    [InlineData("/models", "pvc://models/a", "pvc://models/a")]
    public void Mount_paths_are_rewritten_on_path_boundaries(string mount, string value, string expected)
    {
        Assert.Equal(expected, VolumePaths.Rewrite(value, [(mount, "/host")]));
    }

    [Fact]
    public void A_host_folder_under_another_mount_path_is_not_rewritten_twice()
    {
        // The state folder lives under /tmp and the container also mounts a volume at /tmp.
        var mounts = VolumePaths.Mounts(
            new V1Container { VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }, new V1VolumeMount { Name = "model", MountPath = "/models" }] },
            new Dictionary<string, string> { ["tmp"] = "/tmp/state/pods/p/volumes/tmp", ["model"] = "/tmp/state/pvcs/ns/models" });
        Assert.Equal("--model-uri=/tmp/state/pvcs/ns/models/r/model.onnx", VolumePaths.Rewrite("--model-uri=/models/r/model.onnx", mounts));
        Assert.Equal("/tmp/state/pods/p/volumes/tmp/x", VolumePaths.Rewrite("/tmp/x", mounts));
    }

    private static readonly Dictionary<string, string> Dns = new() { ["models.serving.svc.cluster.local"] = "127.1.0.3" };

    private static ContainerEnvironmentInputs Inputs(V1Pod pod, V1Container container, IReadOnlyList<(string, string)> mounts) => new(
        pod,
        container,
        "127.2.0.9",
        "127.0.0.1",
        Dns,
        mounts,
        new Dictionary<string, IDictionary<string, string>> { ["settings"] = new Dictionary<string, string> { ["LOG_LEVEL"] = "debug" } },
        new Dictionary<string, IDictionary<string, string>> { ["creds"] = new Dictionary<string, string> { ["token"] = "s3cret" } },
        "/state/pods/ns/p-1",
        "/state/pods/ns/p-1/termination-log",
        "/state/pvcs/ns");

    private static V1EnvVar Field(string name, string path) => new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = path } } };
}
