using k8s.Models;

namespace AiOperator.LocalCluster.ApiServer.Resources;

// The built-in kinds the local cluster serves; the set the operator and the simulation touch.
internal static class BuiltinResources
{
    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Core("Namespace", "namespaces", false, typeof(V1Namespace), status: true, shortNames: ["ns"]) with { ReturnsDeletedObject = true },
        Core("Node", "nodes", false, typeof(V1Node), status: true, shortNames: ["no"]),
        Core("Pod", "pods", true, typeof(V1Pod), status: true, shortNames: ["po"], categories: ["all"], clearStatus: true) with { HasLog = true, ReturnsDeletedObject = true },
        Core("Service", "services", true, typeof(V1Service), status: true, shortNames: ["svc"], categories: ["all"], clearStatus: true) with { ReturnsDeletedObject = true },
        Core("Endpoints", "endpoints", true, typeof(V1Endpoints), shortNames: ["ep"]) with { Singular = "endpoints" },
        Core("ConfigMap", "configmaps", true, typeof(V1ConfigMap), shortNames: ["cm"]),
        Core("Secret", "secrets", true, typeof(V1Secret)),
        Core("ServiceAccount", "serviceaccounts", true, typeof(V1ServiceAccount), shortNames: ["sa"]) with { ReturnsDeletedObject = true },
        Core("Event", "events", true, typeof(Corev1Event), shortNames: ["ev"]),
        Core("PersistentVolumeClaim", "persistentvolumeclaims", true, typeof(V1PersistentVolumeClaim), status: true, shortNames: ["pvc"]) with { ReturnsDeletedObject = true },
        Core("PersistentVolume", "persistentvolumes", false, typeof(V1PersistentVolume), status: true, shortNames: ["pv"]) with { ReturnsDeletedObject = true },
        Core("ResourceQuota", "resourcequotas", true, typeof(V1ResourceQuota), status: true, shortNames: ["quota"]) with { ReturnsDeletedObject = true },
        Core("LimitRange", "limitranges", true, typeof(V1LimitRange), shortNames: ["limits"]),
        Of("apps", "v1", "Deployment", "deployments", true, typeof(V1Deployment), status: true, shortNames: ["deploy"], categories: ["all"], clearStatus: true)
            with { Scale = new ScaleSpec(".spec.replicas", ".status.replicas", ".spec.selector") },
        Of("apps", "v1", "ReplicaSet", "replicasets", true, typeof(V1ReplicaSet), status: true, shortNames: ["rs"], categories: ["all"], clearStatus: true)
            with { Scale = new ScaleSpec(".spec.replicas", ".status.replicas", ".spec.selector") },
        Of("batch", "v1", "Job", "jobs", true, typeof(V1Job), status: true, categories: ["all"], clearStatus: true),
        Of("batch", "v1", "CronJob", "cronjobs", true, typeof(V1CronJob), status: true, shortNames: ["cj"], categories: ["all"], clearStatus: true),
        Of("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, typeof(V1PriorityClass), shortNames: ["pc"]),
        Of("networking.k8s.io", "v1", "Ingress", "ingresses", true, typeof(V1Ingress), status: true, shortNames: ["ing"], clearStatus: true),
        Of("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, typeof(V1NetworkPolicy), shortNames: ["netpol"]),
        Of("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, typeof(V1StorageClass), shortNames: ["sc"]) with { ReturnsDeletedObject = true },
        Of("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, typeof(V1EndpointSlice)),
        Of("events.k8s.io", "v1", "Event", "events", true, typeof(Eventsv1Event), shortNames: ["ev"]),
        Of("coordination.k8s.io", "v1", "Lease", "leases", true, typeof(V1Lease)),
        Of("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, typeof(V1PodDisruptionBudget), status: true, shortNames: ["pdb"], clearStatus: true),
        Of("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, typeof(V2HorizontalPodAutoscaler), status: true, shortNames: ["hpa"], categories: ["all"], clearStatus: true),
        Of("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, typeof(V1CustomResourceDefinition), status: true, shortNames: ["crd", "crds"], clearStatus: true),
        Of("rbac.authorization.k8s.io", "v1", "Role", "roles", true, typeof(V1Role)),
        Of("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, typeof(V1ClusterRole)),
        Of("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, typeof(V1RoleBinding)),
        Of("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, typeof(V1ClusterRoleBinding)),
        // The review kinds: created and answered, never stored (ApiRequestHandler.Reviews).
        Of("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, typeof(V1SelfSubjectAccessReview)) with { Verbs = ["create"] },
        Of("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, typeof(V1SelfSubjectRulesReview)) with { Verbs = ["create"] },
        Of("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", false, typeof(V1SubjectAccessReview)) with { Verbs = ["create"] },
        Of("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", true, typeof(V1LocalSubjectAccessReview)) with { Verbs = ["create"] },
        Of("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", false, typeof(V1TokenReview)) with { Verbs = ["create"] },
        Of("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", false, typeof(V1SelfSubjectReview)) with { Verbs = ["create"] },
    ];

    private static ResourceType Core(string kind, string plural, bool namespaced, Type model, bool status = false,
        string[]? shortNames = null, string[]? categories = null, bool clearStatus = false) =>
        Of("", "v1", kind, plural, namespaced, model, status, shortNames, categories, clearStatus);

    private static ResourceType Of(string group, string version, string kind, string plural, bool namespaced, Type model,
        bool status = false, string[]? shortNames = null, string[]? categories = null, bool clearStatus = false) => new()
        {
            Group = group,
            Version = version,
            Kind = kind,
            Plural = plural,
            Singular = kind.ToLowerInvariant(),
            Namespaced = namespaced,
            HasStatus = status,
            ShortNames = shortNames ?? [],
            Categories = categories ?? [],
            ClearStatusOnCreate = clearStatus,
            ModelType = model,
        };
}
