namespace AiOperator.LocalCluster.ApiServer.Auth;

/// <summary>An authorizer's answer and, when allowed, which binding allowed it (as SubjectAccessReview reasons say).</summary>
internal sealed record AuthorizationDecision(bool Allowed, string Reason)
{
    public static AuthorizationDecision Deny { get; } = new(false, "");
}
