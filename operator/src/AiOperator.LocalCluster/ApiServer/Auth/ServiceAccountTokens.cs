using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace AiOperator.LocalCluster.ApiServer.Auth;

/// <summary>
/// Bound service-account tokens, as the TokenRequest API issues them: they name the account (and its
/// uid, so a token outlives neither a deleted nor a re-created account) and expire. Signed with HMAC-SHA256
/// under a key made when the server starts; opaque to clients, like a real cluster's JWTs are to kubectl.
/// </summary>
internal sealed class ServiceAccountTokens(TimeProvider time)
{
    private const string Prefix = "aiop-sa.";
    private const int MaxTokenLength = 4096;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public (string Token, DateTimeOffset Expires) Issue(string ns, string name, string uid, TimeSpan lifetime)
    {
        var expires = time.GetUtcNow() + lifetime;
        var payload = JsonSerializer.SerializeToUtf8Bytes(new TokenClaims(ns, name, uid, expires.ToUnixTimeSeconds()), TokenClaimsContext.Default.TokenClaims);
        var body = Base64Url(payload);
        return (Prefix + body + "." + Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(body))), expires);
    }

    /// <summary>The claims of a token this server issued that has not expired; null for anything else.</summary>
    public TokenClaims? Validate(string token)
    {
        if (token.Length > MaxTokenLength || !token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = token[Prefix.Length..].Split('.');
        if (parts.Length != 2)
        {
            return null;
        }

        try
        {
            var expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0]));
            if (!CryptographicOperations.FixedTimeEquals(expected, FromBase64Url(parts[1])))
            {
                return null;
            }

            var claims = JsonSerializer.Deserialize(FromBase64Url(parts[0]), TokenClaimsContext.Default.TokenClaims);
            return claims is not null && claims.Exp > time.GetUtcNow().ToUnixTimeSeconds() ? claims : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }
}
