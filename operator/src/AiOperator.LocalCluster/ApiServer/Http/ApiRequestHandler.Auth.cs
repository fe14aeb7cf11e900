using System.Globalization;
using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Auth;
using AiOperator.LocalCluster.ApiServer.Json;
using Microsoft.AspNetCore.Http;

namespace AiOperator.LocalCluster.ApiServer.Http;

// Authentication, authorization and TokenRequest (`kubectl create token`); the review kinds are in ApiRequestHandler.Reviews.cs.
internal sealed partial class ApiRequestHandler
{
    private const string UserItem = "aiop.user";
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinTokenLifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxTokenLifetime = TimeSpan.FromHours(48);

    // Who the request acts as, checked against the authorizer before anything else happens.
    private void Admit(HttpContext ctx, RequestInfo info, bool watchParam)
    {
        var requester = _authenticator.Authenticate(ctx.Request);
        ctx.Items[UserItem] = requester;
        var user = RequestAuthenticator.Impersonate(requester, ctx.Request.Headers, IsAllowed);
        ctx.Items[UserItem] = user;
        var attributes = AttributesOf(info, watchParam);
        if (!IsAllowed(user, attributes))
        {
            throw ApiErrors.Forbidden(user, attributes);
        }
    }

    private static string UserOf(HttpContext ctx) => ctx.Items[UserItem] is UserInfo user ? user.Name : "";

    private bool IsAllowed(UserInfo user, AccessAttributes attributes) =>
        _authorizer is null || _authorizer.Authorize(user, attributes).Allowed;

    private static AccessAttributes AttributesOf(RequestInfo info, bool watchParam) => info.IsResourceRequest
        ? new AccessAttributes
        {
            // GET of one name with ?watch=true is a watch (kubectl get -w NAME), as the real RequestInfo reads it.
            Verb = info.Verb == "get" && watchParam ? "watch" : info.Verb,
            IsResourceRequest = true,
            Group = info.Group,
            Resource = info.Resource,
            Subresource = info.Subresource,
            Namespace = info.Namespace,
            Name = info.Name,
        }
        : AccessAttributes.NonResource(info.Verb switch { "head" => "get", var v => v }, info.Path);

    private async Task HandleTokenRequestAsync(HttpContext ctx, RequestInfo info)
    {
        var raw = await RequestBody.ReadAsync(ctx.Request, _options.MaxRequestBodyBytes, ctx.RequestAborted);
        var request = raw.Length == 0 ? new JsonObject() : RequestBody.ParseObject(raw, RequestBody.MediaType(ctx.Request));
        var spec = request.Obj("spec") ?? new JsonObject();
        var seconds = spec.Long("expirationSeconds") ?? (long)DefaultTokenLifetime.TotalSeconds;
        if (seconds < MinTokenLifetime.TotalSeconds)
        {
            throw ApiErrors.Invalid("authentication.k8s.io", "TokenRequest", info.Name,
                [Schema.FieldError.Invalid("spec.expirationSeconds", seconds.ToString(CultureInfo.InvariantCulture), "may not specify a duration less than 10 minutes")]);
        }

        var lifetime = TimeSpan.FromSeconds(Math.Min(seconds, MaxTokenLifetime.TotalSeconds));
        var account = _registry.Get(_catalog.FindByStoreKey("/serviceaccounts")!, info.Namespace, info.Name);
        var (token, expires) = _tokens.Issue(info.Namespace, info.Name, account.Uid, lifetime);
        spec["expirationSeconds"] = (long)lifetime.TotalSeconds;
        spec["audiences"] ??= new JsonArray(TokenAudience);
        var answer = new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = info.Name,
                ["namespace"] = info.Namespace,
                ["creationTimestamp"] = JsonTree.Rfc3339(_time.GetUtcNow()),
            },
            ["spec"] = spec.DeepClone(),
            ["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = JsonTree.Rfc3339(expires) },
        };
        await Responses.WriteJsonAsync(ctx, 201, answer);
    }
}
