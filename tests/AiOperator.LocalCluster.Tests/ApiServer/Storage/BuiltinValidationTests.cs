using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Storage;

public sealed class BuiltinValidationTests
{
    private const string Template = """{"metadata":{"labels":{"app":"web","tier":"x"}},"spec":{"containers":[{"name":"a","image":"x"}]}}""";

    [Theory]
    [InlineData("apps/deployments")]
    [InlineData("apps/replicasets")]
    public void A_selector_must_select_the_template(string storeKey)
    {
        Assert.Empty(ValidationErrors.Of(storeKey, """{"spec":{"selector":{"matchLabels":{"app":"web"}},"template":""" + Template + "}}"));
        Assert.Contains("spec.selector: Required value", ValidationErrors.Of(storeKey, """{"spec":{"template":""" + Template + "}}"));
        Assert.Contains(
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"x\"}: `selector` does not match template `labels`",
            ValidationErrors.Of(storeKey, """{"spec":{"selector":{"matchLabels":{"app":"api"}},"template":""" + Template + "}}"));
        Assert.Contains(
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment",
            ValidationErrors.Of(storeKey, """{"spec":{"selector":{},"template":""" + Template + "}}"));
    }

    [Fact]
    public void Workload_templates_get_the_pod_spec_checks_at_their_own_path()
    {
        Assert.Contains("spec.template.spec.containers[0].image: Required value",
            ValidationErrors.Of("apps/deployments", """{"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"a"}]}}}}"""));
        Assert.Contains("spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"",
            ValidationErrors.Of("apps/replicasets", """{"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"x"}]}}}}"""));
        Assert.Contains("spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            ValidationErrors.Of("batch/jobs", """{"spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"x","ports":[{"containerPort":70000}]}]}}}}"""));
        Assert.Contains("spec.jobTemplate.spec.template.spec.volumes[1].name: Duplicate value: \"v\"",
            ValidationErrors.Of("batch/cronjobs", """{"spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":{"spec":{"restartPolicy":"Never","volumes":[{"name":"v"},{"name":"v"}],"containers":[{"name":"a","image":"x"}]}}}}}}"""));
    }

    [Fact]
    public void A_job_selector_set_by_hand_must_select_the_template()
    {
        Assert.Contains(
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
            ValidationErrors.Of("batch/jobs", """{"spec":{"manualSelector":true,"selector":{"matchLabels":{"app":"batch"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"restartPolicy":"Never","containers":[{"name":"a","image":"x"}]}}}}"""));
    }
}
