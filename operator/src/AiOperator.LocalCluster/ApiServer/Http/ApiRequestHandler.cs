using System.Text.Json.Nodes;
using AiOperator.LocalCluster.ApiServer.Auth;
using AiOperator.LocalCluster.ApiServer.Discovery;
using AiOperator.LocalCluster.ApiServer.Resources;
using AiOperator.LocalCluster.ApiServer.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AiOperator.LocalCluster.ApiServer.Http;

// The single entry point for every HTTP request: fault injection, routing, error shaping, request log.
internal sealed partial class ApiRequestHandler : IDisposable
{
    private readonly ResourceRegistry _registry;
    private readonly ResourceCatalog _catalog;
    private readonly ApiServerOptions _options;
    private readonly FaultInjector _faults;
    private readonly RequestLog _log;
    private readonly Func<IPodLogSource?> _podLogs;
    private readonly Func<IPodPortForwarder?> _portForwarder;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly RequestAuthenticator _authenticator;
    private readonly RbacAuthorizer? _authorizer;
    private readonly ServiceAccountTokens _tokens;

    public ApiRequestHandler(ResourceRegistry registry, ResourceCatalog catalog, ApiServerOptions options, FaultInjector faults, RequestLog log, Func<IPodLogSource?> podLogs, Func<IPodPortForwarder?> portForwarder, ILogger logger,
        ServiceAccountTokens tokens, string adminToken)
    {
        _tokens = tokens;
        _authenticator = new RequestAuthenticator(registry.Store, tokens, adminToken);
        _authorizer = options.Authorization == AuthorizationMode.Rbac ? new RbacAuthorizer(registry.Store) : null;
        _registry = registry;
        _catalog = catalog;
        _options = options;
        _faults = faults;
        _log = log;
        _podLogs = podLogs;
        _portForwarder = portForwarder;
        _logger = logger;
        _time = options.TimeProvider;
    }

    public Func<string> ServerAddress { get; set; } = () => "127.0.0.1:0";

    public async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "/";
        var watchParam = QueryParameters.Bool(ctx.Request.Query, "watch");
        var info = RequestInfoParser.Parse(ctx.Request.Method, path, watchParam);
        var logged = false;
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method))
        {
            // With a state folder, a write is answered only once it is on disk (group-committed).
            ctx.Response.OnStarting(() => _registry.Store.WaitDurableAsync());
        }

        try
        {
            var (delay, error) = _faults.Decide(info.Verb, info.Resource, ctx.Request.Headers.UserAgent.ToString());
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _time, ctx.RequestAborted);
            }

            if (error is not null)
            {
                throw new ApiException(error.StatusCode, Responses.ReasonFor(error.StatusCode), $"injected fault: {info.Verb} {info.Resource} failed with {error.StatusCode}")
                {
                    RetryAfterSeconds = error.RetryAfterSeconds,
                };
            }

            Admit(ctx, info, watchParam);
            if (info.IsResourceRequest)
            {
                ContentNegotiation.EnsureJsonAcceptable(ctx.Request.Headers.Accept.ToString());
                if (info.Verb == "watch")
                {
                    logged = true;
                    Record(ctx, info, 200);
                }

                if (info is { Group: "", Resource: "serviceaccounts", Subresource: "token", Verb: "create" } && info.Name.Length > 0)
                {
                    await HandleTokenRequestAsync(ctx, info);
                }
                else if (!await TryHandleReviewAsync(ctx, info))
                {
                    await HandleResourceAsync(ctx, info);
                }
            }
            else
            {
                await HandleNonResourceAsync(ctx, path);
            }
        }
        catch (ApiException ex)
        {
            await WriteErrorAsync(ctx, ex);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's word for a body that broke off or broke its framing: a client that went away in the
            // middle of its upload, or one that sent less than its Content-Length. The client's error, not an
            // internal one (it used to be logged with a stack trace as one, e.g. for in-process clients
            // cancelled at shutdown).
            if (!ctx.RequestAborted.IsCancellationRequested)
            {
                await WriteErrorAsync(ctx, new ApiException(ex.StatusCode, ex.StatusCode == 413 ? "RequestEntityTooLarge" : "BadRequest",
                    $"the request body could not be read: {ex.Message}"));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogInternalError(_logger, info.Verb, info.Resource, ex);
            await WriteErrorAsync(ctx, new ApiException(500, "InternalError", $"Internal error occurred: {ex.GetType().Name}: {ex.Message}"));
        }
        finally
        {
            if (!logged)
            {
                // 499 (nginx's "client closed request"): abandoned before an answer, so never applied.
                Record(ctx, info, ctx.RequestAborted.IsCancellationRequested && !ctx.Response.HasStarted ? 499 : ctx.Response.StatusCode);
            }
        }
    }

    private void Record(HttpContext ctx, RequestInfo info, int code) =>
        _log.Add(new RequestRecord(
            _time.GetUtcNow(),
            info.Verb,
            ctx.Request.Method,
            info.Path,
            info.Group,
            info.Resource,
            info.Namespace,
            info.Name,
            info.Subresource,
            code,
            ctx.Request.Headers.UserAgent.ToString())
        {
            User = UserOf(ctx),
        });

    private static async Task WriteErrorAsync(HttpContext ctx, ApiException ex)
    {
        if (ctx.Response.HasStarted)
        {
            return;
        }

        if (ex.RetryAfterSeconds is { } retry)
        {
            ctx.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await Responses.WriteJsonAsync(ctx, ex.Code, ex.ToStatus());
    }

    private async Task HandleNonResourceAsync(HttpContext ctx, string path)
    {
        var trimmed = path.TrimEnd('/');
        var parts = trimmed.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!HttpMethods.IsGet(ctx.Request.Method) && !HttpMethods.IsHead(ctx.Request.Method))
        {
            throw ApiErrors.MethodNotAllowed($"the server does not allow this method on the requested resource (path {path})");
        }

        if (parts is ["api"] or ["apis"] && AggregatedDiscovery.Requested(ctx.Request.Headers.Accept.ToString()) is { } aggregated)
        {
            await Responses.WriteJsonAsync(ctx, 200, AggregatedDiscovery.Build(_catalog, aggregated, legacy: parts is ["api"]), AggregatedDiscovery.ContentType(aggregated));
            return;
        }

        JsonNode? document = parts switch
        {
            ["version"] => new JsonObject
            {
                ["major"] = "1",
                ["minor"] = "32",
                ["gitVersion"] = "v1.32.0-aioperator-local",
                ["gitCommit"] = "local",
                ["gitTreeState"] = "clean",
                ["buildDate"] = "2026-01-01T00:00:00Z",
                ["goVersion"] = "go1.23",
                ["compiler"] = "gc",
                ["platform"] = "linux/amd64",
            },
            ["healthz"] or ["readyz"] or ["livez"] => null,
            ["api"] => DiscoveryDocuments.Versions(ServerAddress()),
            ["api", var v] => DiscoveryDocuments.ResourceList(_catalog, "", v),
            ["apis"] => DiscoveryDocuments.GroupList(_catalog),
            ["apis", var g] => DiscoveryDocuments.Group(_catalog, g),
            ["apis", var g, var v] => DiscoveryDocuments.ResourceList(_catalog, g, v),
            ["openapi", "v3"] => OpenApiDocuments.Root(_catalog),
            ["openapi", "v3", "api", var v] => OpenApiDocuments.GroupVersion(_catalog, "", v),
            ["openapi", "v3", "apis", var g, var v] => OpenApiDocuments.GroupVersion(_catalog, g, v),
            _ => throw ApiErrors.ResourceNotFound(path),
        };

        if (parts is ["healthz"] or ["readyz"] or ["livez"])
        {
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("ok", ctx.RequestAborted);
            return;
        }

        if (document is null)
        {
            throw ApiErrors.ResourceNotFound(path);
        }

        await Responses.WriteJsonAsync(ctx, 200, document);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "API server internal error on {Verb} {Resource}")]
    private static partial void LogInternalError(ILogger logger, string verb, string resource, Exception ex);
}
