using static AiOperator.LocalCluster.ApiServer.Protobuf.ProtoKind;

namespace AiOperator.LocalCluster.ApiServer.Protobuf;

// Field numbers of the Kubernetes API's protobuf messages (k8s.io/api and apimachinery generated.proto)
// for the kinds kubectl's generators and typed clients create. Only the fields described here are
// decoded; any other field that carries a value is refused by ProtobufDecoder, never dropped silently.
// Nested messages are built when a field of theirs is met (Func), so only the top level is kept.
internal static class KubernetesProtoSchema
{
    // apiVersion/kind -> top-level message.
    public static IReadOnlyDictionary<(string ApiVersion, string Kind), ProtoMessage> Kinds { get; } = new Dictionary<(string, string), ProtoMessage>
    {
        [("v1", "Namespace")] = Namespace,
        [("v1", "ConfigMap")] = ConfigMap,
        [("v1", "Secret")] = Secret,
        [("v1", "Service")] = Service,
        [("v1", "ServiceAccount")] = ServiceAccount,
        [("v1", "Pod")] = Pod,
        [("v1", "Binding")] = new ProtoMessage("Binding", Meta(), M(2, "target", () => ObjectReference)),
        [("v1", "ResourceQuota")] = ResourceQuota,
        [("apps/v1", "Deployment")] = Deployment,
        [("batch/v1", "Job")] = Job,
        [("batch/v1", "CronJob")] = CronJob,
        [("rbac.authorization.k8s.io/v1", "Role")] = Role,
        [("rbac.authorization.k8s.io/v1", "ClusterRole")] = ClusterRole,
        [("rbac.authorization.k8s.io/v1", "RoleBinding")] = Binding("RoleBinding"),
        [("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")] = Binding("ClusterRoleBinding"),
        [("policy/v1", "PodDisruptionBudget")] = PodDisruptionBudget,
        [("scheduling.k8s.io/v1", "PriorityClass")] = PriorityClass,
        [("networking.k8s.io/v1", "Ingress")] = Ingress,
        [("authorization.k8s.io/v1", "SelfSubjectAccessReview")] = SelfSubjectAccessReview,
        [("authorization.k8s.io/v1", "SelfSubjectRulesReview")] = new ProtoMessage("SelfSubjectRulesReview",
            Meta(), M(2, "spec", () => new ProtoMessage("SelfSubjectRulesReviewSpec", S(1, "namespace"))), Status()),
        [("authorization.k8s.io/v1", "SubjectAccessReview")] = SubjectAccessReview("SubjectAccessReview"),
        [("authorization.k8s.io/v1", "LocalSubjectAccessReview")] = SubjectAccessReview("LocalSubjectAccessReview"),
        [("authentication.k8s.io/v1", "TokenReview")] = new ProtoMessage("TokenReview",
            Meta(), M(2, "spec", () => new ProtoMessage("TokenReviewSpec", S(1, "token"), Strs(2, "audiences"))), Status()),
        // No spec: what kubectl auth whoami sends is an empty status (field 2), read past.
        [("authentication.k8s.io/v1", "SelfSubjectReview")] = new ProtoMessage("SelfSubjectReview", Meta(), new ProtoField(2, "status", Ignored)),
        [("authentication.k8s.io/v1", "TokenRequest")] = TokenRequest,
    };

    // --- authorization/v1 and authentication/v1: `kubectl auth can-i`, `kubectl create token` ---
    private static ProtoMessage SelfSubjectAccessReview => new("SelfSubjectAccessReview",
        Meta(),
        M(2, "spec", () => new ProtoMessage("SelfSubjectAccessReviewSpec",
            M(1, "resourceAttributes", () => ResourceAttributes),
            M(2, "nonResourceAttributes", () => NonResourceAttributes))),
        Status());

    private static ProtoMessage ResourceAttributes => new("ResourceAttributes",
        S(1, "namespace"), S(2, "verb"), S(3, "group"), S(4, "version"), S(5, "resource"), S(6, "subresource"), S(7, "name"));

    private static ProtoMessage NonResourceAttributes => new("NonResourceAttributes", S(1, "path"), S(2, "verb"));

    private static ProtoMessage SubjectAccessReview(string kind) => new(kind,
        Meta(),
        M(2, "spec", () => new ProtoMessage("SubjectAccessReviewSpec",
            M(1, "resourceAttributes", () => ResourceAttributes),
            M(2, "nonResourceAttributes", () => NonResourceAttributes),
            S(3, "user"), Strs(4, "groups"), S(6, "uid"))),
        Status());

    private static ProtoMessage TokenRequest => new("TokenRequest",
        Meta(),
        M(2, "spec", () => new ProtoMessage("TokenRequestSpec",
            Strs(1, "audiences"),
            M(3, "boundObjectRef", () => new ProtoMessage("BoundObjectReference", S(1, "kind"), S(2, "apiVersion"), S(3, "name"), S(4, "uid"))),
            I64(4, "expirationSeconds"))),
        Status());

    // --- apimachinery meta/v1 ---
    private static ProtoMessage ObjectMeta => new("ObjectMeta",
        S(1, "name"), S(2, "generateName"), S(3, "namespace"), S(4, "selfLink"), S(5, "uid"), S(6, "resourceVersion"),
        I64(7, "generation"), T(8, "creationTimestamp"), T(9, "deletionTimestamp"), I64(10, "deletionGracePeriodSeconds", present: true),
        MapOf(11, "labels", ProtoKind.String), MapOf(12, "annotations", ProtoKind.String),
        Msgs(13, "ownerReferences", () => OwnerReference), Strs(14, "finalizers"),
        new ProtoField(17, "managedFields", Ignored) { Repeated = true });

    private static ProtoMessage OwnerReference => new("OwnerReference",
        S(5, "apiVersion"), S(1, "kind"), S(3, "name"), S(4, "uid"), B(6, "controller", present: true), B(7, "blockOwnerDeletion", present: true));

    private static ProtoMessage LabelSelector => new("LabelSelector",
        MapOf(1, "matchLabels", ProtoKind.String), Msgs(2, "matchExpressions", () => LabelSelectorRequirement));

    private static ProtoMessage LabelSelectorRequirement => new("LabelSelectorRequirement", S(1, "key"), S(2, "operator"), Strs(3, "values"));

    // --- core/v1 ---
    private static ProtoMessage Namespace => new("Namespace",
        Meta(), M(2, "spec", () => new ProtoMessage("NamespaceSpec", Strs(1, "finalizers"))), Status());

    private static ProtoMessage ConfigMap => new("ConfigMap",
        Meta(), MapOf(2, "data", ProtoKind.String), MapOf(3, "binaryData", Bytes), B(4, "immutable", present: true));

    private static ProtoMessage Secret => new("Secret",
        Meta(), MapOf(2, "data", Bytes), S(3, "type"), MapOf(4, "stringData", ProtoKind.String), B(5, "immutable", present: true));

    private static ProtoMessage Service => new("Service", Meta(), M(2, "spec", () => ServiceSpec), Status());

    private static ProtoMessage ServiceSpec => new("ServiceSpec",
        Msgs(1, "ports", () => ServicePort), MapOf(2, "selector", ProtoKind.String), S(3, "clusterIP"), Strs(18, "clusterIPs"), S(4, "type"),
        Strs(5, "externalIPs"), S(7, "sessionAffinity"), S(8, "loadBalancerIP"), Strs(9, "loadBalancerSourceRanges"), S(10, "externalName"),
        S(11, "externalTrafficPolicy"), I32(12, "healthCheckNodePort"), B(13, "publishNotReadyAddresses"),
        M(14, "sessionAffinityConfig", () => new ProtoMessage("SessionAffinityConfig",
            M(1, "clientIP", () => new ProtoMessage("ClientIPConfig", I32(1, "timeoutSeconds", present: true))))),
        Strs(19, "ipFamilies"), S(17, "ipFamilyPolicy", present: true), B(20, "allocateLoadBalancerNodePorts", present: true),
        S(21, "loadBalancerClass", present: true), S(22, "internalTrafficPolicy", present: true), S(23, "trafficDistribution", present: true));

    private static ProtoMessage ServicePort => new("ServicePort",
        S(1, "name"), S(2, "protocol"), S(6, "appProtocol", present: true), I32(3, "port", present: true),
        new ProtoField(4, "targetPort", IntOrString), I32(5, "nodePort"));

    private static ProtoMessage ServiceAccount => new("ServiceAccount",
        Meta(), Msgs(2, "secrets", () => ObjectReference), Msgs(3, "imagePullSecrets", () => LocalObjectReference),
        B(4, "automountServiceAccountToken", present: true));

    private static ProtoMessage ObjectReference => new("ObjectReference",
        S(1, "kind"), S(2, "namespace"), S(3, "name"), S(4, "uid"), S(5, "apiVersion"), S(6, "resourceVersion"), S(7, "fieldPath"));

    private static ProtoMessage LocalObjectReference => new("LocalObjectReference", S(1, "name"));

    private static ProtoMessage Pod => new("Pod", Meta(), M(2, "spec", () => PodSpec), Status());

    private static ProtoMessage PodTemplateSpec => new("PodTemplateSpec", Meta(), M(2, "spec", () => PodSpec));

    private static ProtoMessage PodSpec => new("PodSpec",
        Msgs(20, "initContainers", () => Container), Msgs(2, "containers", () => Container), S(3, "restartPolicy"),
        I64(4, "terminationGracePeriodSeconds", present: true), I64(5, "activeDeadlineSeconds", present: true), S(6, "dnsPolicy"),
        MapOf(7, "nodeSelector", ProtoKind.String), S(8, "serviceAccountName"), S(9, "serviceAccount"),
        B(21, "automountServiceAccountToken", present: true), S(10, "nodeName"), B(11, "hostNetwork"), B(12, "hostPID"), B(13, "hostIPC"),
        B(27, "shareProcessNamespace", present: true), Msgs(15, "imagePullSecrets", () => LocalObjectReference), S(16, "hostname"),
        S(17, "subdomain"), S(19, "schedulerName"), Msgs(22, "tolerations", () => Toleration), S(24, "priorityClassName"),
        I32(25, "priority", present: true), S(29, "runtimeClassName", present: true), B(30, "enableServiceLinks", present: true),
        S(31, "preemptionPolicy", present: true), MapOf(32, "overhead", Quantity), B(35, "setHostnameAsFQDN", present: true),
        B(37, "hostUsers", present: true), M(40, "resources", () => ResourceRequirements), S(41, "hostnameOverride", present: true));

    private static ProtoMessage Container => new("Container",
        S(1, "name"), S(2, "image"), Strs(3, "command"), Strs(4, "args"), S(5, "workingDir"), Msgs(6, "ports", () => ContainerPort),
        Msgs(19, "envFrom", () => EnvFromSource), Msgs(7, "env", () => EnvVar), M(8, "resources", () => ResourceRequirements),
        S(24, "restartPolicy", present: true), Msgs(9, "volumeMounts", () => VolumeMount), S(13, "terminationMessagePath"),
        S(20, "terminationMessagePolicy"), S(14, "imagePullPolicy"), B(16, "stdin"), B(17, "stdinOnce"), B(18, "tty"));

    private static ProtoMessage ContainerPort => new("ContainerPort",
        S(1, "name"), I32(2, "hostPort"), I32(3, "containerPort", present: true), S(4, "protocol"), S(5, "hostIP"));

    private static ProtoMessage EnvVar => new("EnvVar", S(1, "name"), S(2, "value"), M(3, "valueFrom", () => EnvVarSource));

    private static ProtoMessage EnvVarSource => new("EnvVarSource",
        M(1, "fieldRef", () => new ProtoMessage("ObjectFieldSelector", S(1, "apiVersion"), S(2, "fieldPath"))),
        M(2, "resourceFieldRef", () => new ProtoMessage("ResourceFieldSelector", S(1, "containerName"), S(2, "resource"), new ProtoField(3, "divisor", Quantity))),
        M(3, "configMapKeyRef", () => KeySelector("ConfigMapKeySelector")),
        M(4, "secretKeyRef", () => KeySelector("SecretKeySelector")));

    private static ProtoMessage KeySelector(string name) => new(name, Embedded(1, () => LocalObjectReference), S(2, "key"), B(3, "optional", present: true));

    private static ProtoMessage EnvFromSource => new("EnvFromSource",
        S(1, "prefix"),
        M(2, "configMapRef", () => new ProtoMessage("ConfigMapEnvSource", Embedded(1, () => LocalObjectReference), B(2, "optional", present: true))),
        M(3, "secretRef", () => new ProtoMessage("SecretEnvSource", Embedded(1, () => LocalObjectReference), B(2, "optional", present: true))));

    private static ProtoMessage ResourceRequirements => new("ResourceRequirements",
        MapOf(1, "limits", Quantity), MapOf(2, "requests", Quantity),
        Msgs(3, "claims", () => new ProtoMessage("ResourceClaim", S(1, "name"), S(2, "request"))));

    private static ProtoMessage Toleration => new("Toleration",
        S(1, "key"), S(2, "operator"), S(3, "value"), S(4, "effect"), I64(5, "tolerationSeconds", present: true));

    private static ProtoMessage VolumeMount => new("VolumeMount",
        S(1, "name"), B(2, "readOnly"), S(7, "recursiveReadOnly", present: true), S(3, "mountPath"), S(4, "subPath"),
        S(5, "mountPropagation", present: true), S(6, "subPathExpr"));

    private static ProtoMessage ResourceQuota => new("ResourceQuota",
        Meta(),
        M(2, "spec", () => new ProtoMessage("ResourceQuotaSpec",
            MapOf(1, "hard", Quantity), Strs(2, "scopes"),
            M(3, "scopeSelector", () => new ProtoMessage("ScopeSelector",
                Msgs(1, "matchExpressions", () => new ProtoMessage("ScopedResourceSelectorRequirement", S(1, "scopeName"), S(2, "operator"), Strs(3, "values"))))))),
        Status());

    // --- apps/v1 ---
    private static ProtoMessage Deployment => new("Deployment",
        Meta(),
        M(2, "spec", () => new ProtoMessage("DeploymentSpec",
            I32(1, "replicas", present: true), M(2, "selector", () => LabelSelector), M(3, "template", () => PodTemplateSpec),
            M(4, "strategy", () => new ProtoMessage("DeploymentStrategy",
                S(1, "type"),
                M(2, "rollingUpdate", () => new ProtoMessage("RollingUpdateDeployment",
                    new ProtoField(1, "maxUnavailable", IntOrString) { Present = true }, new ProtoField(2, "maxSurge", IntOrString) { Present = true })))),
            I32(5, "minReadySeconds"), I32(6, "revisionHistoryLimit", present: true), B(7, "paused"), I32(9, "progressDeadlineSeconds", present: true))),
        Status());

    // --- batch/v1 ---
    private static ProtoMessage JobSpec => new("JobSpec",
        I32(1, "parallelism", present: true), I32(2, "completions", present: true), I64(3, "activeDeadlineSeconds", present: true),
        I32(7, "backoffLimit", present: true), I32(12, "backoffLimitPerIndex", present: true), I32(13, "maxFailedIndexes", present: true),
        M(4, "selector", () => LabelSelector), B(5, "manualSelector", present: true), M(6, "template", () => PodTemplateSpec),
        I32(8, "ttlSecondsAfterFinished", present: true), S(9, "completionMode", present: true), B(10, "suspend", present: true),
        S(14, "podReplacementPolicy", present: true), S(15, "managedBy", present: true));

    private static ProtoMessage Job => new("Job", Meta(), M(2, "spec", () => JobSpec), Status());

    private static ProtoMessage CronJob => new("CronJob",
        Meta(),
        M(2, "spec", () => new ProtoMessage("CronJobSpec",
            S(1, "schedule"), S(8, "timeZone", present: true), I64(2, "startingDeadlineSeconds", present: true), S(3, "concurrencyPolicy"),
            B(4, "suspend", present: true), M(5, "jobTemplate", () => new ProtoMessage("JobTemplateSpec", Meta(), M(2, "spec", () => JobSpec))),
            I32(6, "successfulJobsHistoryLimit", present: true), I32(7, "failedJobsHistoryLimit", present: true))),
        Status());

    // --- rbac.authorization.k8s.io/v1 ---
    private static ProtoMessage PolicyRule => new("PolicyRule",
        Strs(1, "verbs"), Strs(2, "apiGroups"), Strs(3, "resources"), Strs(4, "resourceNames"), Strs(5, "nonResourceURLs"));

    private static ProtoMessage Role => new("Role", Meta(), Msgs(2, "rules", () => PolicyRule));

    private static ProtoMessage ClusterRole => new("ClusterRole",
        Meta(), Msgs(2, "rules", () => PolicyRule),
        M(3, "aggregationRule", () => new ProtoMessage("AggregationRule", Msgs(1, "clusterRoleSelectors", () => LabelSelector))));

    private static ProtoMessage Binding(string kind) => new(kind,
        Meta(),
        Msgs(2, "subjects", () => new ProtoMessage("Subject", S(1, "kind"), S(2, "apiGroup"), S(3, "name"), S(4, "namespace"))),
        M(3, "roleRef", () => new ProtoMessage("RoleRef", S(1, "apiGroup"), S(2, "kind"), S(3, "name"))));

    // --- policy/v1, scheduling.k8s.io/v1, networking.k8s.io/v1 ---
    private static ProtoMessage PodDisruptionBudget => new("PodDisruptionBudget",
        Meta(),
        M(2, "spec", () => new ProtoMessage("PodDisruptionBudgetSpec",
            new ProtoField(1, "minAvailable", IntOrString) { Present = true }, M(2, "selector", () => LabelSelector),
            new ProtoField(3, "maxUnavailable", IntOrString) { Present = true }, S(4, "unhealthyPodEvictionPolicy", present: true))),
        Status());

    private static ProtoMessage PriorityClass => new("PriorityClass",
        Meta(), I32(2, "value", present: true), B(3, "globalDefault"), S(4, "description"), S(5, "preemptionPolicy", present: true));

    private static ProtoMessage Ingress => new("Ingress",
        Meta(),
        M(2, "spec", () => new ProtoMessage("IngressSpec",
            S(4, "ingressClassName", present: true), M(1, "defaultBackend", () => IngressBackend),
            Msgs(2, "tls", () => new ProtoMessage("IngressTLS", Strs(1, "hosts"), S(2, "secretName"))),
            Msgs(3, "rules", () => new ProtoMessage("IngressRule",
                S(1, "host"),
                Embedded(2, () => new ProtoMessage("IngressRuleValue",
                    M(1, "http", () => new ProtoMessage("HTTPIngressRuleValue",
                        Msgs(1, "paths", () => new ProtoMessage("HTTPIngressPath", S(1, "path"), S(3, "pathType", present: true), M(2, "backend", () => IngressBackend))))))))))),
        Status());

    private static ProtoMessage IngressBackend => new("IngressBackend",
        M(4, "service", () => new ProtoMessage("IngressServiceBackend",
            S(1, "name"), M(2, "port", () => new ProtoMessage("ServiceBackendPort", S(1, "name"), I32(2, "number"))))),
        M(3, "resource", () => new ProtoMessage("TypedLocalObjectReference", S(1, "apiGroup", present: true), S(2, "kind"), S(3, "name"))));

    private static ProtoField Meta() => M(1, "metadata", () => ObjectMeta);

    // Status is reset by the server on create (and has its own subresource), so it is read past.
    private static ProtoField Status() => new(3, "status", Ignored);

    private static ProtoField S(int n, string name, bool present = false) => new(n, name, ProtoKind.String) { Present = present };

    private static ProtoField B(int n, string name, bool present = false) => new(n, name, Bool) { Present = present };

    private static ProtoField I32(int n, string name, bool present = false) => new(n, name, ProtoKind.Int32) { Present = present };

    private static ProtoField I64(int n, string name, bool present = false) => new(n, name, ProtoKind.Int64) { Present = present };

    private static ProtoField T(int n, string name) => new(n, name, Time);

    private static ProtoField Strs(int n, string name) => new(n, name, ProtoKind.String) { Repeated = true };

    private static ProtoField M(int n, string name, Func<ProtoMessage> message) => new(n, name, Message) { Message = message };

    private static ProtoField Msgs(int n, string name, Func<ProtoMessage> message) => new(n, name, Message) { Message = message, Repeated = true };

    private static ProtoField Embedded(int n, Func<ProtoMessage> message) => new(n, "", Message) { Message = message, Inline = true };

    private static ProtoField MapOf(int n, string name, ProtoKind value) => new(n, name, Message) { MapValue = value };
}
