namespace AiOperator.LocalCluster.ApiServer.Http;

// Factories that phrase errors the way kube-apiserver does, so clients matching on text still work.
internal static class ApiErrors
{
    public static ApiException NotFound(string group, string resource, string name) =>
        new(404, "NotFound", $"{Qualified(group, resource)} \"{name}\" not found", new StatusDetails(name, group, resource));

    public static ApiException ResourceNotFound(string path) =>
        new(404, "NotFound", $"the server could not find the requested resource (path {path})", new StatusDetails(null, null, null));

    public static ApiException AlreadyExists(string group, string resource, string name) =>
        new(409, "AlreadyExists", $"{Qualified(group, resource)} \"{name}\" already exists", new StatusDetails(name, group, resource));

    public static ApiException Conflict(string group, string resource, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {Qualified(group, resource)} \"{name}\": {why}", new StatusDetails(name, group, resource));

    public static ApiException StaleResourceVersion(string group, string resource, string name) =>
        Conflict(group, resource, name, "the object has been modified; please apply your changes to the latest version and try again");

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Invalid(string group, string kind, string name, IReadOnlyList<Schema.FieldError> errors)
    {
        var rendered = errors.Select(e => e.ToString()).ToList();
        var joined = rendered.Count == 1 ? rendered[0] : "[" + string.Join(", ", rendered) + "]";
        var causes = errors.Select(e => new StatusCause(e.CauseReason, e.Detail, e.Field)).ToList();
        return new ApiException(422, "Invalid", $"{Qualified(group, kind)} \"{name}\" is invalid: {joined}", new StatusDetails(name, group, kind, causes));
    }

    public static ApiException Gone(string message) => new(410, "Expired", message);

    // storage.NewTooLargeResourceVersionError: the client may retry after a second.
    public static ApiException TooLargeResourceVersion(long requested, long current) =>
        new(504, "Timeout", $"Timeout: Too large resource version: {requested}, current: {current}",
            new StatusDetails(null, null, null, [new StatusCause("ResourceVersionTooLarge", "Too large resource version", null)])) { RetryAfterSeconds = 1 };

    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got {contentType})");

    public static ApiException TooLarge(long limit) =>
        new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {limit}");

    public static ApiException Forbidden(string group, string resource, string name, string why) =>
        new(403, "Forbidden", $"{Qualified(group, resource)} \"{name}\" is forbidden: {why}", new StatusDetails(name, group, resource));

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    /// <summary>The authorizer's denial, worded as kube-apiserver words it (clients and people match on it).</summary>
    public static ApiException Forbidden(Auth.UserInfo user, Auth.AccessAttributes request)
    {
        if (!request.IsResourceRequest)
        {
            return new(403, "Forbidden", $"forbidden: User \"{user.Name}\" cannot {request.Verb} path \"{request.Path}\"", new StatusDetails(null, null, null));
        }

        var subject = request.Name.Length > 0 ? $"{Qualified(request.Group, request.Resource)} \"{request.Name}\"" : Qualified(request.Group, request.Resource);
        var scope = request.Namespace.Length > 0 ? $"in the namespace \"{request.Namespace}\"" : "at the cluster scope";
        return new(403, "Forbidden",
            $"{subject} is forbidden: User \"{user.Name}\" cannot {request.Verb} resource \"{request.ResourceWithSubresource}\" in API group \"{request.Group}\" {scope}",
            new StatusDetails(request.Name.Length > 0 ? request.Name : null, request.Group, request.Resource));
    }

    public static string Qualified(string group, string resource) => group.Length == 0 ? resource : $"{resource}.{group}";
}
