using System.Security.Cryptography;
using System.Text;
using AiOperator.LocalCluster.ApiServer.Http;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Storage;
using Microsoft.AspNetCore.Http;

namespace AiOperator.LocalCluster.ApiServer.Auth;

/// <summary>
/// Bearer-token authentication: the admin token the kubeconfig carries, or a service-account token this
/// server issued whose account still exists with the same uid. No Authorization header is the anonymous
/// user; any other token is 401, as on a real server. Then impersonation (Impersonate-User/-Group/-Uid),
/// allowed only to users granted the `impersonate` verb on what they impersonate.
/// </summary>
internal sealed class RequestAuthenticator(ObjectStore store, ServiceAccountTokens tokens, string adminToken)
{
    private const string ServiceAccountsStoreKey = "/serviceaccounts";
    private readonly byte[] _admin = Encoding.UTF8.GetBytes(adminToken);

    public UserInfo Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return UserInfo.Anonymous;
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw ApiErrors.Unauthorized();
        }

        return AuthenticateToken(header["Bearer ".Length..].Trim())?.User ?? throw ApiErrors.Unauthorized();
    }

    /// <summary>Who a bearer token is (and the service account's uid), or null when it is not valid here: also what TokenReview answers.</summary>
    public (UserInfo User, string Uid)? AuthenticateToken(string token)
    {
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _admin))
        {
            return (UserInfo.Admin, "");
        }

        if (tokens.Validate(token) is { } claims)
        {
            lock (store.Gate)
            {
                if (store.Get(ServiceAccountsStoreKey, claims.Namespace, claims.Name) is { } account && account.Uid == claims.Uid)
                {
                    return (UserInfo.ServiceAccount(claims.Namespace, claims.Name), claims.Uid);
                }
            }
        }

        return null;
    }

    /// <summary>The user the request acts as after impersonation headers; <paramref name="authorize"/> checks each.</summary>
    public static UserInfo Impersonate(UserInfo requester, IHeaderDictionary headers, Func<UserInfo, AccessAttributes, bool> authorize)
    {
        var userName = headers["Impersonate-User"].ToString();
        var groups = headers["Impersonate-Group"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!).ToList();
        var uid = headers["Impersonate-Uid"].ToString();
        if (userName.Length == 0)
        {
            if (groups.Count > 0 || uid.Length > 0)
            {
                throw ApiErrors.BadRequest("requested impersonation of groups or uid without impersonating a user");
            }

            return requester;
        }

        var impersonated = new UserInfo(userName, []);
        var target = impersonated.AsServiceAccount() is { } sa
            ? new AccessAttributes { Verb = "impersonate", IsResourceRequest = true, Resource = "serviceaccounts", Namespace = sa.Namespace, Name = sa.Name }
            : new AccessAttributes { Verb = "impersonate", IsResourceRequest = true, Resource = "users", Name = userName };
        Check(requester, target, authorize);
        foreach (var group in groups)
        {
            Check(requester, new AccessAttributes { Verb = "impersonate", IsResourceRequest = true, Resource = "groups", Name = group }, authorize);
        }

        if (uid.Length > 0)
        {
            Check(requester, new AccessAttributes { Verb = "impersonate", IsResourceRequest = true, Group = "authentication.k8s.io", Resource = "uids", Name = uid }, authorize);
        }

        // As the real server: a service account's groups come with it when none are named, and every
        // impersonated user but system:anonymous is system:authenticated.
        var effective = groups.Count == 0 && impersonated.AsServiceAccount() is { } account
            ? UserInfo.ServiceAccount(account.Namespace, account.Name).Groups.ToList()
            : groups;
        if (userName != UserInfo.Anonymous.Name && !effective.Contains(UserInfo.Authenticated))
        {
            effective.Add(UserInfo.Authenticated);
        }

        return new UserInfo(userName, effective);
    }

    private static void Check(UserInfo requester, AccessAttributes target, Func<UserInfo, AccessAttributes, bool> authorize)
    {
        if (!authorize(requester, target))
        {
            throw ApiErrors.Forbidden(requester, target);
        }
    }
}
