using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Storage;

// Each case is a pod spec kube-apiserver refuses, with the error line it prints.
public sealed class PodSpecValidationTests
{
    private static List<string> Errors(string specJson) => ValidationErrors.Of("/pods", $$"""{"spec":{{specJson}}}""");

    [Fact]
    public void A_valid_spec_has_no_errors()
    {
        Assert.Empty(Errors("""
            {"volumes":[{"name":"data","emptyDir":{}}],
             "initContainers":[{"name":"init","image":"busybox"}],
             "containers":[{"name":"main","image":"busybox","ports":[{"name":"http","containerPort":8080}],
               "volumeMounts":[{"name":"data","mountPath":"/data"}],
               "resources":{"requests":{"cpu":"500m","nvidia.com/gpu":"1"},"limits":{"cpu":"1","nvidia.com/gpu":"1"}}}],
             "tolerations":[{"key":"gpu","operator":"Exists","effect":"NoExecute","tolerationSeconds":30},{"operator":"Exists"}]}
            """));
    }

    [Theory]
    [InlineData("""{"containers":[]}""", "spec.containers: Required value")]
    [InlineData("""{"containers":[{"image":"busybox"}]}""", "spec.containers[0].name: Required value")]
    [InlineData("""{"containers":[{"name":"Main","image":"busybox"}]}""", "spec.containers[0].name: Invalid value: \"Main\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")]
    [InlineData("""{"containers":[{"name":"a","image":"x"},{"name":"a","image":"x"}]}""", "spec.containers[1].name: Duplicate value: \"a\"")]
    [InlineData("""{"containers":[{"name":"a","image":"x"}],"initContainers":[{"name":"a","image":"x"}]}""", "spec.initContainers[0].name: Duplicate value: \"a\"")]
    [InlineData("""{"containers":[{"name":"a"}]}""", "spec.containers[0].image: Required value")]
    [InlineData("""{"containers":[{"name":"a","image":"x","ports":[{"containerPort":70000}]}]}""", "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive")]
    [InlineData("""{"containers":[{"name":"a","image":"x","ports":[{"containerPort":80,"hostPort":-1}]}]}""", "spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive")]
    [InlineData("""{"containers":[{"name":"a","image":"x","ports":[{"name":"web","containerPort":80},{"name":"web","containerPort":81}]}]}""", "spec.containers[0].ports[1].name: Duplicate value: \"web\"")]
    [InlineData("""{"volumes":[{"name":"v","emptyDir":{}}],"containers":[{"name":"a","image":"x","volumeMounts":[{"name":"v","mountPath":"/d"},{"name":"v","mountPath":"/d"}]}]}""", "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/d\": must be unique")]
    [InlineData("""{"containers":[{"name":"a","image":"x","volumeMounts":[{"name":"nope","mountPath":"/d"}]}]}""", "spec.containers[0].volumeMounts[0].name: Not found: \"nope\"")]
    [InlineData("""{"volumes":[{"name":"v","emptyDir":{}},{"name":"v","emptyDir":{}}],"containers":[{"name":"a","image":"x"}]}""", "spec.volumes[1].name: Duplicate value: \"v\"")]
    [InlineData("""{"containers":[{"name":"a","image":"x","resources":{"requests":{"cpu":"2"},"limits":{"cpu":"1"}}}]}""", "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1")]
    [InlineData("""{"containers":[{"name":"a","image":"x","resources":{"requests":{"memory":"2Gi"},"limits":{"memory":"1Gi"}}}]}""", "spec.containers[0].resources.requests: Invalid value: \"2Gi\": must be less than or equal to memory limit of 1Gi")]
    [InlineData("""{"containers":[{"name":"a","image":"x","resources":{"requests":{"nvidia.com/gpu":"1"},"limits":{"nvidia.com/gpu":"2"}}}]}""", "spec.containers[0].resources.requests: Invalid value: \"1\": must be equal to nvidia.com/gpu limit of 2")]
    [InlineData("""{"containers":[{"name":"a","image":"x","resources":{"requests":{"nvidia.com/gpu":"1"}}}]}""", "spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources")]
    [InlineData("""{"containers":[{"name":"a","image":"x"}],"tolerations":[{"key":"k","effect":"Sometimes"}]}""", "spec.tolerations[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"")]
    [InlineData("""{"containers":[{"name":"a","image":"x"}],"tolerations":[{"key":"k","operator":"In"}]}""", "spec.tolerations[0].operator: Unsupported value: \"In\": supported values: \"Equal\", \"Exists\"")]
    [InlineData("""{"containers":[{"name":"a","image":"x"}],"tolerations":[{"key":"k","operator":"Exists","value":"v"}]}""", "spec.tolerations[0].operator: Invalid value: core.Toleration{Key:\"k\", Operator:\"Exists\", Value:\"v\", Effect:\"\", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is 'Exists'")]
    [InlineData("""{"containers":[{"name":"a","image":"x"}],"tolerations":[{"key":"k","effect":"NoSchedule","tolerationSeconds":5}]}""", "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set")]
    [InlineData("""{"containers":[{"name":"a","image":"x"}],"tolerations":[{"value":"v"}]}""", "spec.tolerations[0].operator: Invalid value: \"\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"")]
    [InlineData("""{"containers":[{"name":"a","image":"x"}],"restartPolicy":"Sometimes"}""", "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"")]
    public void Refused_specs_name_the_field_as_kube_does(string spec, string expected)
    {
        Assert.Contains(expected, Errors(spec));
    }

    [Fact]
    public void An_empty_restart_policy_is_defaulted_like_an_unset_one()
    {
        Assert.Empty(Errors("""{"containers":[{"name":"a","image":"x"}],"restartPolicy":""}"""));
    }
}
