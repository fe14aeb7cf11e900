namespace AiOperator.LocalCluster.ApiServer.Auth;

/// <summary>Who a request is from, as the real API server's authenticators name users and groups.</summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups)
{
    public const string Authenticated = "system:authenticated";
    public const string Unauthenticated = "system:unauthenticated";
    public const string Masters = "system:masters";
    public const string ServiceAccountPrefix = "system:serviceaccount:";

    public static UserInfo Anonymous { get; } = new("system:anonymous", [Unauthenticated]);

    /// <summary>The kubeconfig's user: in system:masters, as kubeadm's admin.conf user is.</summary>
    public static UserInfo Admin { get; } = new("kubernetes-admin", [Masters, Authenticated]);

    public static UserInfo ServiceAccount(string ns, string name) =>
        new($"{ServiceAccountPrefix}{ns}:{name}", ["system:serviceaccounts", $"system:serviceaccounts:{ns}", Authenticated]);

    /// <summary>(namespace, name) when the user is a service account.</summary>
    public (string Namespace, string Name)? AsServiceAccount()
    {
        if (!Name.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = Name[ServiceAccountPrefix.Length..].Split(':');
        return parts is [var ns, var name] && ns.Length > 0 && name.Length > 0 ? (ns, name) : null;
    }
}
