using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Admission;
using Xunit;

namespace AiOperator.LocalCluster.Tests.ApiServer.Admission;

public sealed class PodSecurityChecksTests
{
    // What the operator puts on every pod it creates (RestrictedSecurity), with the volumes a model pod has.
    private const string RestrictedPod = """
        {
          "securityContext": { "runAsNonRoot": true, "runAsUser": 65532, "fsGroup": 65532, "seccompProfile": { "type": "RuntimeDefault" } },
          "containers": [{
            "name": "server", "image": "m:1", "ports": [{ "containerPort": 8080 }],
            "securityContext": { "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
                                 "capabilities": { "drop": ["ALL"] }, "seccompProfile": { "type": "RuntimeDefault" } }
          }],
          "volumes": [{ "name": "cache", "emptyDir": {} }, { "name": "model", "persistentVolumeClaim": { "claimName": "c" } }]
        }
        """;

    private static JsonObject Spec(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void The_operators_pods_pass_restricted()
    {
        Assert.Empty(PodSecurityChecks.Evaluate(Spec(RestrictedPod), PodSecurityLevel.Restricted));
    }

    [Fact]
    public void A_plain_pod_fails_restricted_with_the_admission_plugins_words_and_passes_baseline()
    {
        var plain = Spec("""{ "containers": [{ "name": "bad", "image": "busybox" }] }""");

        Assert.Equal(
        [
            "allowPrivilegeEscalation != false (container \"bad\" must set securityContext.allowPrivilegeEscalation=false)",
            "runAsNonRoot != true (pod or container \"bad\" must set securityContext.runAsNonRoot=true)",
            "seccompProfile (pod or container \"bad\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")",
            "unrestricted capabilities (container \"bad\" must set securityContext.capabilities.drop=[\"ALL\"])",
        ], PodSecurityChecks.Evaluate(plain, PodSecurityLevel.Restricted));
        Assert.Empty(PodSecurityChecks.Evaluate(plain, PodSecurityLevel.Baseline));
        Assert.Empty(PodSecurityChecks.Evaluate(plain, PodSecurityLevel.Privileged));
    }

    [Fact]
    public void Baseline_refuses_host_access_privilege_and_extra_capabilities()
    {
        var spec = Spec("""
            {
              "hostNetwork": true, "hostPID": true,
              "securityContext": { "seccompProfile": { "type": "Unconfined" }, "sysctls": [{ "name": "kernel.msgmax", "value": "1" }] },
              "containers": [
                { "name": "a", "image": "x", "securityContext": { "privileged": true, "capabilities": { "add": ["SYS_ADMIN", "CHOWN"] } } },
                { "name": "b", "image": "x", "ports": [{ "containerPort": 80, "hostPort": 8080 }], "securityContext": { "procMount": "Unmasked" } }
              ],
              "volumes": [{ "name": "root", "hostPath": { "path": "/" } }]
            }
            """);

        Assert.Equal(
        [
            "host namespaces (hostNetwork=true, hostPID=true)",
            "privileged (container \"a\" must not set securityContext.privileged=true)",
            "non-default capabilities (container \"a\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add)",
            "hostPath volumes (volume \"root\")",
            "hostPort (container \"b\" uses hostPort 8080)",
            "procMount (container \"b\" must not set securityContext.procMount to \"Unmasked\")",
            "seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")",
            "forbidden sysctls (kernel.msgmax)",
        ], PodSecurityChecks.Evaluate(spec, PodSecurityLevel.Baseline));
    }

    [Fact]
    public void Restricted_refuses_root_other_volume_types_and_added_capabilities_and_reads_the_pod_level_settings()
    {
        var spec = Spec(RestrictedPod);
        spec["securityContext"]!["runAsUser"] = 0;
        spec["volumes"]!.AsArray().Add(new JsonObject { ["name"] = "share", ["nfs"] = new JsonObject { ["server"] = "s", ["path"] = "/" } });
        spec["containers"]![0]!["securityContext"]!["capabilities"]!["add"] = new JsonArray("NET_BIND_SERVICE", "NET_RAW");
        // A container without its own runAsNonRoot/seccomp is covered by the pod's.
        spec["containers"]!.AsArray().Add(JsonNode.Parse("""{ "name": "side", "image": "x", "securityContext": { "allowPrivilegeEscalation": false, "capabilities": { "drop": ["ALL"] } } }"""));

        Assert.Equal(
        [
            "restricted volume types (volume \"share\" uses restricted volume type \"nfs\")",
            "runAsUser=0 (pod must not set runAsUser=0)",
            "unrestricted capabilities (container \"server\" must not include \"NET_RAW\" in securityContext.capabilities.add)",
        ], PodSecurityChecks.Evaluate(spec, PodSecurityLevel.Restricted));
    }

    [Fact]
    public void Namespace_labels_choose_the_levels_and_an_unknown_level_fails_closed()
    {
        static JsonObject Ns(string labels) => JsonNode.Parse($$"""{ "metadata": { "name": "n", "labels": {{{labels}}} } }""")!.AsObject();

        Assert.Equal(NamespacePodSecurity.Unlabelled, NamespacePodSecurity.Of(Ns("")));
        Assert.Equal(new NamespacePodSecurity(PodSecurityLevel.Baseline, "v1.32", PodSecurityLevel.Restricted, "latest"),
            NamespacePodSecurity.Of(Ns("\"pod-security.kubernetes.io/enforce\": \"baseline\", \"pod-security.kubernetes.io/enforce-version\": \"v1.32\", \"pod-security.kubernetes.io/warn\": \"restricted\"")));
        Assert.Equal(PodSecurityLevel.Restricted, NamespacePodSecurity.Of(Ns("\"pod-security.kubernetes.io/enforce\": \"strict\"")).Enforce);
    }
}
