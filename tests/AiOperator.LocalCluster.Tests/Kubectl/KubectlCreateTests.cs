using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.Tests.ApiServer;
using Xunit;

namespace AiOperator.LocalCluster.Tests.Kubectl;

// kubectl's typed generators (`kubectl create <kind>`) send protobuf bodies; each is read back as JSON
// to check the decoded fields landed where the JSON path would put them.
public sealed class KubectlCreateTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>, IDisposable
{
    private readonly KubectlRunner _kubectl = new(fixture.Host);

    public void Dispose() => _kubectl.Dispose();

    private async Task<JsonObject> CreateAndGetAsync(string expected, string path, params string[] args)
    {
        var result = (await _kubectl.RunAsync(["create", .. args])).EnsureSuccess();
        Assert.Contains(expected, result.Stdout, StringComparison.Ordinal);
        var text = await fixture.Http.GetStringAsync(new Uri(path, UriKind.Relative));
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Namespace_configmap_secret_and_serviceaccount()
    {
        var name = $"demo-{Guid.NewGuid():N}"[..16];
        var ns = await CreateAndGetAsync($"namespace/{name} created", $"/api/v1/namespaces/{name}", "namespace", name);
        Assert.Equal((name, "Active"), ((string?)ns["metadata"]!["name"], (string?)ns["status"]!["phase"]));

        var cm = await CreateAndGetAsync("configmap/settings created", $"/api/v1/namespaces/{name}/configmaps/settings",
            "configmap", "settings", "-n", name, "--from-literal=mode=fast", "--from-literal=empty=");
        Assert.Equal("fast", (string?)cm["data"]!["mode"]);
        Assert.Equal("", (string?)cm["data"]!["empty"]);
        Assert.Equal(name, (string?)cm["metadata"]!["namespace"]);

        var secret = await CreateAndGetAsync("secret/creds created", $"/api/v1/namespaces/{name}/secrets/creds",
            "secret", "generic", "creds", "-n", name, "--from-literal=password=s3cret\u00e9");
        Assert.Equal("s3cret\u00e9", Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["password"]!)));
        Assert.Equal("Opaque", (string?)secret["type"]);

        var sa = await CreateAndGetAsync("serviceaccount/builder created", $"/api/v1/namespaces/{name}/serviceaccounts/builder",
            "serviceaccount", "builder", "-n", name);
        Assert.Equal("builder", (string?)sa["metadata"]!["name"]);
    }

    [Fact]
    public async Task Deployment_service_and_pod_disruption_budget()
    {
        var ns = await fixture.NewNamespaceAsync();
        var web = await CreateAndGetAsync("deployment.apps/web created", $"/apis/apps/v1/namespaces/{ns}/deployments/web",
            "deployment", "web", "-n", ns, "--image=nginx:1.27", "--replicas=2", "--port=8080");
        Assert.Equal(2, (int)web["spec"]!["replicas"]!);
        Assert.Equal("web", (string?)web["spec"]!["selector"]!["matchLabels"]!["app"]);
        var container = web["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal(("nginx", "nginx:1.27", 8080), ((string?)container["name"], (string?)container["image"], (int)container["ports"]![0]!["containerPort"]!));
        Assert.Equal("web", (string?)web["spec"]!["template"]!["metadata"]!["labels"]!["app"]);

        // replicas is a pointer in Go: an explicit 0 must survive decoding rather than default to 1.
        var zero = await CreateAndGetAsync("deployment.apps/idle created", $"/apis/apps/v1/namespaces/{ns}/deployments/idle",
            "deployment", "idle", "-n", ns, "--image=nginx", "--replicas=0", "--", "sleep", "3600");
        Assert.Equal(0, (int)zero["spec"]!["replicas"]!);
        Assert.Equal(["sleep", "3600"], zero["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]!.AsArray().Select(c => (string)c!));

        var svc = await CreateAndGetAsync("service/web created", $"/api/v1/namespaces/{ns}/services/web",
            "service", "clusterip", "web", "-n", ns, "--tcp=80:8080");
        Assert.Equal("ClusterIP", (string?)svc["spec"]!["type"]);
        var port = svc["spec"]!["ports"]![0]!;
        Assert.Equal((80, 8080, "TCP"), ((int)port["port"]!, (int)port["targetPort"]!, (string?)port["protocol"]));
        Assert.Equal("web", (string?)svc["spec"]!["selector"]!["app"]);

        var pdb = await CreateAndGetAsync("poddisruptionbudget.policy/web created", $"/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets/web",
            "poddisruptionbudget", "web", "-n", ns, "--selector=app=web", "--min-available=50%");
        Assert.Equal("50%", (string?)pdb["spec"]!["minAvailable"]);
        Assert.Equal("web", (string?)pdb["spec"]!["selector"]!["matchLabels"]!["app"]);
    }

    [Fact]
    public async Task Roles_cluster_roles_and_their_bindings()
    {
        var ns = await fixture.NewNamespaceAsync();
        var role = await CreateAndGetAsync("role.rbac.authorization.k8s.io/reader created", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/roles/reader",
            "role", "reader", "-n", ns, "--verb=get,list", "--resource=pods,deployments.apps", "--resource-name=a");
        var rules = role["rules"]!.AsArray();
        Assert.Contains(rules, r => r!["apiGroups"]!.AsArray().Select(g => (string)g!).SequenceEqual([""]) && r["resources"]![0]!.ToString() == "pods");
        Assert.Contains(rules, r => r!["apiGroups"]![0]!.ToString() == "apps" && r["resourceNames"]![0]!.ToString() == "a");
        Assert.All(rules, r => Assert.Equal(["get", "list"], r!["verbs"]!.AsArray().Select(v => (string)v!)));

        var binding = await CreateAndGetAsync("rolebinding.rbac.authorization.k8s.io/read created", $"/apis/rbac.authorization.k8s.io/v1/namespaces/{ns}/rolebindings/read",
            "rolebinding", "read", "-n", ns, "--role=reader", $"--serviceaccount={ns}:builder", "--user=alice");
        Assert.Equal(("Role", "reader", "rbac.authorization.k8s.io"), ((string?)binding["roleRef"]!["kind"], (string?)binding["roleRef"]!["name"], (string?)binding["roleRef"]!["apiGroup"]));
        var subjects = binding["subjects"]!.AsArray();
        Assert.Contains(subjects, s => (string?)s!["kind"] == "ServiceAccount" && (string?)s["name"] == "builder" && (string?)s["namespace"] == ns);
        Assert.Contains(subjects, s => (string?)s!["kind"] == "User" && (string?)s["name"] == "alice" && (string?)s["apiGroup"] == "rbac.authorization.k8s.io");

        var crName = $"{ns}-nodes";
        var cr = await CreateAndGetAsync($"clusterrole.rbac.authorization.k8s.io/{crName} created", $"/apis/rbac.authorization.k8s.io/v1/clusterroles/{crName}",
            "clusterrole", crName, "--verb=get", "--resource=nodes", "--non-resource-url=/healthz", "--verb=get");
        Assert.Contains(cr["rules"]!.AsArray(), r => r!["nonResourceURLs"]?[0]?.ToString() == "/healthz");

        var crb = await CreateAndGetAsync($"clusterrolebinding.rbac.authorization.k8s.io/{crName} created", $"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/{crName}",
            "clusterrolebinding", crName, $"--clusterrole={crName}", "--group=ops");
        Assert.Equal(("ClusterRole", crName), ((string?)crb["roleRef"]!["kind"], (string?)crb["roleRef"]!["name"]));
        Assert.Equal(("Group", "ops"), ((string?)crb["subjects"]![0]!["kind"], (string?)crb["subjects"]![0]!["name"]));
    }

    [Fact]
    public async Task A_protobuf_body_of_a_kind_not_decoded_is_415_naming_the_kind()
    {
        var ns = await fixture.NewNamespaceAsync();

        // "k8s\0" + runtime.Unknown{typeMeta{apiVersion: v1, kind: Endpoints}, raw: {}}.
        byte[] typeMeta = [0x0a, 0x02, (byte)'v', (byte)'1', 0x12, 0x09, .. "Endpoints"u8];
        byte[] body = [.. "k8s\0"u8, 0x0a, (byte)typeMeta.Length, .. typeMeta, 0x12, 0x00];
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/namespaces/{ns}/endpoints", UriKind.Relative)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.kubernetes.protobuf");
        using var response = await fixture.Http.SendAsync(request);
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("\"Endpoints\"", (string?)status["message"], StringComparison.Ordinal);
        Assert.Equal("UnsupportedMediaType", (string?)status["reason"]);
    }

    [Fact]
    public async Task An_accept_header_without_json_is_406()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/namespaces", UriKind.Relative));
        request.Headers.Accept.ParseAdd("application/vnd.kubernetes.protobuf");
        using var response = await fixture.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);

        using var both = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/namespaces", UriKind.Relative));
        both.Headers.Accept.ParseAdd("application/vnd.kubernetes.protobuf, application/json");
        using var ok = await fixture.Http.SendAsync(both);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("application/json", ok.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Job_cronjob_quota_priorityclass_and_ingress()
    {
        var ns = await fixture.NewNamespaceAsync();
        var job = await CreateAndGetAsync("job.batch/hello created", $"/apis/batch/v1/namespaces/{ns}/jobs/hello",
            "job", "hello", "-n", ns, "--image=busybox:1.36", "--", "echo", "hi");
        Assert.Equal("Never", (string?)job["spec"]!["template"]!["spec"]!["restartPolicy"]);
        Assert.Equal((1, 1, 6), ((int)job["spec"]!["completions"]!, (int)job["spec"]!["parallelism"]!, (int)job["spec"]!["backoffLimit"]!));
        Assert.Equal((string?)job["metadata"]!["uid"], (string?)job["spec"]!["selector"]!["matchLabels"]!["batch.kubernetes.io/controller-uid"]);

        var cron = await CreateAndGetAsync("cronjob.batch/nightly created", $"/apis/batch/v1/namespaces/{ns}/cronjobs/nightly",
            "cronjob", "nightly", "-n", ns, "--image=busybox:1.36", "--schedule=0 3 * * *", "--", "date");
        Assert.Equal(("0 3 * * *", "Allow"), ((string?)cron["spec"]!["schedule"], (string?)cron["spec"]!["concurrencyPolicy"]));

        var quota = await CreateAndGetAsync("resourcequota/compute created", $"/api/v1/namespaces/{ns}/resourcequotas/compute",
            "quota", "compute", "-n", ns, "--hard=cpu=2,pods=10,nvidia.com/gpu=4");
        Assert.Equal(("2", "10", "4"), ((string?)quota["spec"]!["hard"]!["cpu"], (string?)quota["spec"]!["hard"]!["pods"], (string?)quota["spec"]!["hard"]!["nvidia.com/gpu"]));

        var pcName = $"{ns}-high";
        var pc = await CreateAndGetAsync($"priorityclass.scheduling.k8s.io/{pcName} created", $"/apis/scheduling.k8s.io/v1/priorityclasses/{pcName}",
            "priorityclass", pcName, "--value=1000", "--description=training first");
        Assert.Equal((1000, "training first", "PreemptLowerPriority"), ((int)pc["value"]!, (string?)pc["description"], (string?)pc["preemptionPolicy"]));

        var zeroName = $"{ns}-zero";
        var zero = await CreateAndGetAsync($"priorityclass.scheduling.k8s.io/{zeroName} created", $"/apis/scheduling.k8s.io/v1/priorityclasses/{zeroName}",
            "priorityclass", zeroName, "--value=0", "--preemption-policy=Never");
        Assert.Equal((0, "Never"), ((int)zero["value"]!, (string?)zero["preemptionPolicy"]));

        var ingress = await CreateAndGetAsync("ingress.networking.k8s.io/web created", $"/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses/web",
            "ingress", "web", "-n", ns, "--rule=example.com/api*=web:80");
        var path = ingress["spec"]!["rules"]![0]!["http"]!["paths"]![0]!;
        Assert.Equal(("example.com", "/api", "Prefix"), ((string?)ingress["spec"]!["rules"]![0]!["host"], (string?)path["path"], (string?)path["pathType"]));
        Assert.Equal(("web", 80), ((string?)path["backend"]!["service"]!["name"], (int)path["backend"]!["service"]!["port"]!["number"]!));

        var listed = (await _kubectl.RunAsync("get", "jobs,cronjobs,quota,limitranges,ingresses,networkpolicies,hpa", "-n", ns)).EnsureSuccess();
        Assert.Contains("job.batch/hello", listed.Stdout, StringComparison.Ordinal);
        var jobs = (await _kubectl.RunAsync("get", "job", "hello", "-n", ns)).EnsureSuccess().Stdout;
        Assert.Matches(@"NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE", jobs);
        Assert.Matches(@"hello\s+Running\s+0/1", jobs);
        var classes = (await _kubectl.RunAsync("get", "priorityclass", pcName)).EnsureSuccess().Stdout;
        Assert.Matches($@"{pcName}\s+1000\s+false", classes);
        (await _kubectl.RunAsync("get", "priorityclasses,storageclasses,persistentvolumes")).EnsureSuccess();
        var resources = (await _kubectl.RunAsync("api-resources", "-o", "name")).EnsureSuccess().Stdout;
        foreach (var expected in new[] { "jobs.batch", "cronjobs.batch", "resourcequotas", "limitranges", "priorityclasses.scheduling.k8s.io", "ingresses.networking.k8s.io", "networkpolicies.networking.k8s.io", "storageclasses.storage.k8s.io", "persistentvolumes", "horizontalpodautoscalers.autoscaling" })
        {
            Assert.Contains(expected, resources.Split('\n'));
        }
    }

    [Fact]
    public async Task New_kinds_are_validated_like_the_real_server()
    {
        var ns = await fixture.NewNamespaceAsync();
        var job = _kubectl.WriteFile($"bad-job-{ns}.yaml", $"""
            apiVersion: batch/v1
            kind: Job
            metadata: {"{"}name: bad, namespace: {ns}{"}"}
            spec:
              template:
                spec:
                  containers: [{"{"}name: c, image: busybox{"}"}]
            """);
        var refused = await _kubectl.RunAsync("apply", "-f", job);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("spec.template.spec.restartPolicy: Unsupported value: \"Always\"", refused.Stderr, StringComparison.Ordinal);

        var pc = _kubectl.WriteFile($"bad-pc-{ns}.yaml", $"""
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {"{"}name: {ns}-too-high{"}"}
            value: 2000000000
            """);
        var tooHigh = await _kubectl.RunAsync("apply", "-f", pc);
        Assert.NotEqual(0, tooHigh.ExitCode);
        Assert.Contains("maximum allowed value of a user defined priority", tooHigh.Stderr, StringComparison.Ordinal);
    }
}
