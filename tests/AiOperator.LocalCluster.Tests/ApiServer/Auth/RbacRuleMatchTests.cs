using AiOperator.LocalCluster.ApiServer.Auth;
using k8s.Models;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Auth;

// The rule-by-rule match of Kubernetes RBAC (pure).
public sealed class RbacRuleMatchTests
{
    private static AccessAttributes Pods(string verb, string name = "", string subresource = "", string group = "", string resource = "pods") =>
        new() { Verb = verb, IsResourceRequest = true, Group = group, Resource = resource, Subresource = subresource, Namespace = "ns", Name = name };

    private static V1PolicyRule Rule(string[] verbs, string[] resources, string[]? groups = null, string[]? names = null) =>
        new() { Verbs = verbs, Resources = resources, ApiGroups = groups ?? [""], ResourceNames = names };

    [Fact]
    public void Verb_group_and_resource_must_all_match()
    {
        var rule = Rule(["get", "list"], ["pods"]);
        Assert.True(RbacAuthorizer.Allows(rule, Pods("list")));
        Assert.False(RbacAuthorizer.Allows(rule, Pods("delete")));
        Assert.False(RbacAuthorizer.Allows(rule, Pods("list", group: "apps")));
        Assert.False(RbacAuthorizer.Allows(rule, Pods("list", resource: "secrets")));
        Assert.True(RbacAuthorizer.Allows(Rule(["*"], ["*"], ["*"]), Pods("deletecollection", group: "apps", resource: "deployments")));
    }

    [Fact]
    public void A_subresource_needs_its_own_grant_or_the_star_form()
    {
        Assert.False(RbacAuthorizer.Allows(Rule(["get"], ["pods"]), Pods("get", "p", "log")));
        Assert.True(RbacAuthorizer.Allows(Rule(["get"], ["pods/log"]), Pods("get", "p", "log")));
        Assert.False(RbacAuthorizer.Allows(Rule(["get"], ["pods/log"]), Pods("get", "p")));
        Assert.True(RbacAuthorizer.Allows(Rule(["patch"], ["*/scale"], ["apps"]), Pods("patch", "d", "scale", "apps", "deployments")));
        Assert.False(RbacAuthorizer.Allows(Rule(["patch"], ["*/scale"], ["apps"]), Pods("patch", "d", "status", "apps", "deployments")));
    }

    [Fact]
    public void ResourceNames_limit_a_rule_to_named_requests()
    {
        var rule = Rule(["get", "list"], ["pods"], names: ["allowed"]);
        Assert.True(RbacAuthorizer.Allows(rule, Pods("get", "allowed")));
        Assert.False(RbacAuthorizer.Allows(rule, Pods("get", "other")));
        Assert.False(RbacAuthorizer.Allows(rule, Pods("list")));
    }

    [Fact]
    public void Non_resource_urls_match_exactly_or_by_a_trailing_star_and_never_resource_requests()
    {
        var rule = new V1PolicyRule { Verbs = ["get"], NonResourceURLs = ["/healthz", "/apis/*"] };
        Assert.True(RbacAuthorizer.Allows(rule, AccessAttributes.NonResource("get", "/healthz")));
        Assert.True(RbacAuthorizer.Allows(rule, AccessAttributes.NonResource("get", "/apis/apps/v1")));
        Assert.False(RbacAuthorizer.Allows(rule, AccessAttributes.NonResource("get", "/healthz/etcd")));
        Assert.False(RbacAuthorizer.Allows(rule, AccessAttributes.NonResource("post", "/healthz")));
        Assert.False(RbacAuthorizer.Allows(rule, Pods("get", "x")));
    }
}
