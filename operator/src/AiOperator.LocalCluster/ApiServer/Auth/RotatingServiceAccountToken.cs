using System.Net.Http.Headers;
using k8s.Authentication;

namespace AiOperator.LocalCluster.ApiServer.Auth;

/// <summary>
/// A service account's bearer token for an in-process client, replaced by a fresh one once 80 % of its
/// lifetime has passed, as the kubelet rotates a pod's projected token: a client of a long-running
/// `aiop local` never meets the expiry of the token it started with. The account is looked up at each
/// renewal, so a deleted or re-created account gets no token for the old one.
/// </summary>
internal sealed class RotatingServiceAccountToken(ServiceAccountTokens tokens, Func<string> currentUid, string ns, string name, TimeSpan lifetime, TimeProvider time)
    : ITokenProvider
{
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _renewAt;

    public Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_token is null || now >= _renewAt)
            {
                (_token, _) = tokens.Issue(ns, name, currentUid(), lifetime);
                _renewAt = now + (lifetime * 0.8);
            }

            return Task.FromResult(new AuthenticationHeaderValue("Bearer", _token));
        }
    }
}
