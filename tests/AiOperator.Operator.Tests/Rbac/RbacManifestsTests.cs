using AiOperator.Operator.Rbac;
using AiOperator.Operator.Tests.Integration;

namespace AiOperator.Operator.Tests.Rbac;

public sealed class RbacManifestsTests
{
    [Fact]
    public void Checked_in_rbac_files_match_the_rules_in_code()
    {
        foreach (var (path, content) in RbacManifests.All())
        {
            var file = Path.Combine(DeployPathTests.RepositoryRoot(), path);
            Assert.True(File.Exists(file) && File.ReadAllText(file) == content,
                $"{path} is stale; run: dotnet run --project operator/src/AiOperator.Cli -- rbac");
        }
    }

    [Fact]
    public void No_rule_grants_wildcards_or_creates_or_deletes_custom_resources_except_finished_jobs()
    {
        foreach (var rule in OperatorRbac.Manager.Concat(OperatorRbac.LeaderElection))
        {
            Assert.DoesNotContain("*", rule.Verbs);
            Assert.DoesNotContain("*", rule.Resources);
            Assert.DoesNotContain("*", rule.ApiGroups);
            if (rule.ApiGroups.Contains("aioperator.dev"))
            {
                // The one delete: ttlSecondsAfterFinished removes a finished TrainingJob, as the Job TTL controller does.
                if (!rule.Resources.SequenceEqual(["trainingjobs"]))
                {
                    Assert.DoesNotContain("delete", rule.Verbs);
                }

                Assert.DoesNotContain("create", rule.Verbs);
            }
        }
    }

    [Fact]
    public void The_chart_uses_the_generated_rules_per_namespace_when_watching_some_and_refuses_replicas_without_a_lease()
    {
        var templates = Path.Combine(DeployPathTests.RepositoryRoot(), "charts", "ai-operator", "templates");
        var rbac = File.ReadAllText(Path.Combine(templates, "rbac.yaml"));
        Assert.Contains("range $ns := .Values.watchNamespaces", rbac, StringComparison.Ordinal);
        Assert.Contains("include \"ai-operator.namespacedManagerRules\"", rbac, StringComparison.Ordinal);
        Assert.Contains("include \"ai-operator.clusterManagerRules\"", rbac, StringComparison.Ordinal);
        Assert.Contains("include \"ai-operator.managerRules\"", rbac, StringComparison.Ordinal);
        Assert.DoesNotContain("verbs:", rbac, StringComparison.Ordinal);
        var deployment = File.ReadAllText(Path.Combine(templates, "deployment.yaml"));
        Assert.Matches(@"if and \(gt \(int \.Values\.replicaCount\) 1\) \(not \.Values\.leaderElection\.enabled\)\s*}}\s*{{- fail ", deployment);
    }
}
