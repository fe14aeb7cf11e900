using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Auth;
using AiOperator.LocalCluster.ApiServer.Json;
using AiOperator.LocalCluster.ApiServer.Schema;
using k8s.Models;
using Microsoft.AspNetCore.Http;

namespace AiOperator.LocalCluster.ApiServer.Http;

// The review kinds: created, answered in the response's status, never stored (as the real server).
// SelfSubjectAccessReview (`kubectl auth can-i`), SelfSubjectRulesReview (`kubectl auth can-i --list`),
// SelfSubjectReview (`kubectl auth whoami`), SubjectAccessReview and LocalSubjectAccessReview (what an
// extension API server or a webhook asks about someone else), TokenReview (whether a bearer token is
// valid here and whose it is).
internal sealed partial class ApiRequestHandler
{
    private const string AuthorizationGroup = "authorization.k8s.io";
    private const string AuthenticationGroup = "authentication.k8s.io";
    private const string TokenAudience = "https://kubernetes.default.svc.cluster.local";

    private async Task<bool> TryHandleReviewAsync(HttpContext ctx, RequestInfo info)
    {
        if (info.Verb != "create" || info.Subresource.Length > 0 || info.Group is not (AuthorizationGroup or AuthenticationGroup))
        {
            return false;
        }

        Func<HttpContext, RequestInfo, JsonObject, JsonObject>? review = (info.Group, info.Resource) switch
        {
            (AuthorizationGroup, "selfsubjectaccessreviews") => SelfSubjectAccessReview,
            (AuthorizationGroup, "selfsubjectrulesreviews") => SelfSubjectRulesReview,
            (AuthorizationGroup, "subjectaccessreviews") => SubjectAccessReview,
            (AuthorizationGroup, "localsubjectaccessreviews") => SubjectAccessReview,
            (AuthenticationGroup, "tokenreviews") => TokenReview,
            (AuthenticationGroup, "selfsubjectreviews") => SelfSubjectReview,
            _ => null,
        };
        if (review is null || _catalog.Find(info.Group, info.Version, info.Resource) is not { } type)
        {
            return false;
        }

        var raw = await RequestBody.ReadAsync(ctx.Request, _options.MaxRequestBodyBytes, ctx.RequestAborted);
        var request = RequestBody.ParseObject(raw, RequestBody.MediaType(ctx.Request));
        var answer = review(ctx, info, request);
        var metadata = request.Obj("metadata")?.DeepClone() as JsonObject ?? [];
        metadata["creationTimestamp"] = null;
        var body = new JsonObject
        {
            ["kind"] = type.Kind,
            ["apiVersion"] = info.Group + "/" + info.Version,
            ["metadata"] = metadata,
        };
        foreach (var (name, value) in answer)
        {
            body[name] = value?.DeepClone();
        }

        await Responses.WriteJsonAsync(ctx, 201, body);
        return true;
    }

    private JsonObject SelfSubjectAccessReview(HttpContext ctx, RequestInfo info, JsonObject review)
    {
        var spec = review.Obj("spec") ?? throw ApiErrors.BadRequest("spec: Required value");
        var asked = Attributes(spec, "SelfSubjectAccessReview", namespaceOfUrl: null);
        return new JsonObject { ["spec"] = spec.DeepClone(), ["status"] = Decide((UserInfo)ctx.Items[UserItem]!, asked) };
    }

    private JsonObject SubjectAccessReview(HttpContext ctx, RequestInfo info, JsonObject review)
    {
        var kind = info.Namespace.Length > 0 ? "LocalSubjectAccessReview" : "SubjectAccessReview";
        var spec = review.Obj("spec") ?? throw ApiErrors.BadRequest("spec: Required value");
        var user = spec.Str("user") ?? "";
        var groups = spec.Arr("groups")?.Select(g => JsonTree.AsString(g) ?? "").Where(g => g.Length > 0).ToList() ?? [];
        if (user.Length == 0 && groups.Count == 0)
        {
            throw ApiErrors.Invalid(AuthorizationGroup, kind, "", [FieldError.Invalid("spec.user", "\"\"", "at least one of user or group must be specified")]);
        }

        var asked = Attributes(spec, kind, info.Namespace.Length > 0 ? info.Namespace : null);
        return new JsonObject { ["spec"] = spec.DeepClone(), ["status"] = Decide(new UserInfo(user, groups), asked) };
    }

    private JsonObject SelfSubjectRulesReview(HttpContext ctx, RequestInfo info, JsonObject review)
    {
        var spec = review.Obj("spec") ?? throw ApiErrors.BadRequest("spec: Required value");
        var ns = spec.Str("namespace") ?? "";
        if (ns.Length == 0)
        {
            throw ApiErrors.BadRequest("no namespace on request");
        }

        // AlwaysAllow answers "everything", as its RulesFor does on a real server.
        IReadOnlyList<V1PolicyRule> rules = _authorizer?.RulesFor((UserInfo)ctx.Items[UserItem]!, ns)
            ?? [new V1PolicyRule { Verbs = ["*"], ApiGroups = ["*"], Resources = ["*"] }, new V1PolicyRule { Verbs = ["*"], NonResourceURLs = ["*"] }];
        var resourceRules = new JsonArray();
        var nonResourceRules = new JsonArray();
        foreach (var rule in rules)
        {
            if (rule.Resources is { Count: > 0 })
            {
                var entry = new JsonObject { ["verbs"] = Strings(rule.Verbs), ["apiGroups"] = Strings(rule.ApiGroups), ["resources"] = Strings(rule.Resources) };
                if (rule.ResourceNames is { Count: > 0 })
                {
                    entry["resourceNames"] = Strings(rule.ResourceNames);
                }

                resourceRules.Add(entry);
            }

            if (rule.NonResourceURLs is { Count: > 0 })
            {
                nonResourceRules.Add(new JsonObject { ["verbs"] = Strings(rule.Verbs), ["nonResourceURLs"] = Strings(rule.NonResourceURLs) });
            }
        }

        return new JsonObject
        {
            ["spec"] = spec.DeepClone(),
            ["status"] = new JsonObject { ["resourceRules"] = resourceRules, ["nonResourceRules"] = nonResourceRules, ["incomplete"] = false },
        };
    }

    private JsonObject TokenReview(HttpContext ctx, RequestInfo info, JsonObject review)
    {
        var spec = review.Obj("spec") ?? throw ApiErrors.BadRequest("spec: Required value");
        var token = spec.Str("token") ?? "";
        if (token.Length == 0)
        {
            throw ApiErrors.Invalid(AuthenticationGroup, "TokenReview", "", [FieldError.Required("spec.token")]);
        }

        // Every token this server takes is for the API server's own audience; a review that asks only for
        // others is not authenticated, as a real server answers a token minted for a different audience.
        var audiences = spec.Arr("audiences")?.Select(a => JsonTree.AsString(a) ?? "").ToList() ?? [];
        var who = _authenticator.AuthenticateToken(token);
        JsonObject status;
        if (who is not { } found)
        {
            status = new JsonObject { ["authenticated"] = false, ["user"] = new JsonObject(), ["error"] = "invalid bearer token" };
        }
        else if (audiences.Count > 0 && !audiences.Contains(TokenAudience))
        {
            status = new JsonObject { ["authenticated"] = false, ["user"] = new JsonObject(), ["error"] = $"token audiences [\"{TokenAudience}\"] are invalid for the target audiences {Quoted(audiences)}" };
        }
        else
        {
            status = new JsonObject { ["authenticated"] = true, ["user"] = UserJson(found.User, found.Uid), ["audiences"] = new JsonArray(TokenAudience) };
        }

        return new JsonObject { ["spec"] = spec.DeepClone(), ["status"] = status };
    }

    private JsonObject SelfSubjectReview(HttpContext ctx, RequestInfo info, JsonObject review) =>
        new() { ["status"] = new JsonObject { ["userInfo"] = UserJson((UserInfo)ctx.Items[UserItem]!, uid: "") } };

    private static AccessAttributes Attributes(JsonObject spec, string kind, string? namespaceOfUrl)
    {
        if (spec.Obj("resourceAttributes") is { } resource)
        {
            var ns = resource.Str("namespace") ?? "";
            if (namespaceOfUrl is not null && ns.Length > 0 && ns != namespaceOfUrl)
            {
                // LocalSubjectAccessReview: the question is about the namespace it was created in.
                throw ApiErrors.Invalid(AuthorizationGroup, kind, "",
                    [FieldError.Invalid("spec.resourceAttributes.namespace", $"\"{ns}\"", $"must match metadata.namespace (\"{namespaceOfUrl}\")")]);
            }

            return new AccessAttributes
            {
                Verb = resource.Str("verb") ?? "",
                IsResourceRequest = true,
                Group = resource.Str("group") ?? "",
                Resource = resource.Str("resource") ?? "",
                Subresource = resource.Str("subresource") ?? "",
                Namespace = namespaceOfUrl ?? ns,
                Name = resource.Str("name") ?? "",
            };
        }

        if (spec.Obj("nonResourceAttributes") is { } nonResource)
        {
            if (namespaceOfUrl is not null)
            {
                throw ApiErrors.Invalid(AuthorizationGroup, kind, "",
                    [FieldError.Invalid("spec.nonResourceAttributes", "{...}", "disallowed on this kind of request")]);
            }

            return AccessAttributes.NonResource(nonResource.Str("verb") ?? "", nonResource.Str("path") ?? "");
        }

        throw ApiErrors.Invalid(AuthorizationGroup, kind, "",
            [FieldError.Invalid("spec", "null", "exactly one of nonResourceAttributes or resourceAttributes must be specified")]);
    }

    private JsonObject Decide(UserInfo user, AccessAttributes asked)
    {
        var decision = _authorizer?.Authorize(user, asked) ?? new AuthorizationDecision(true, "allowed: the cluster authorizes every request (AlwaysAllow)");
        var status = new JsonObject { ["allowed"] = decision.Allowed };
        if (decision.Reason.Length > 0)
        {
            status["reason"] = decision.Reason;
        }

        return status;
    }

    private static JsonObject UserJson(UserInfo user, string uid)
    {
        var json = new JsonObject { ["username"] = user.Name };
        if (uid.Length > 0)
        {
            json["uid"] = uid;
        }

        json["groups"] = Strings(user.Groups);
        return json;
    }

    private static JsonArray Strings(IEnumerable<string>? values) => new([.. (values ?? []).Select(v => (JsonNode)JsonValue.Create(v))]);

    private static string Quoted(IEnumerable<string> values) => "[" + string.Join(" ", values.Select(v => $"\"{v}\"")) + "]";
}
