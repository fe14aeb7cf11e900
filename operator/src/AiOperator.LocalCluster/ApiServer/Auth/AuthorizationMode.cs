namespace AiOperator.LocalCluster.ApiServer.Auth;

/// <summary>How the local API server authorizes requests.</summary>
public enum AuthorizationMode
{
    /// <summary>Every authenticated or anonymous request is allowed (the default of test clusters).</summary>
    AlwaysAllow,

    /// <summary>Kubernetes RBAC over the Roles, ClusterRoles and bindings stored in the cluster.</summary>
    Rbac,
}
