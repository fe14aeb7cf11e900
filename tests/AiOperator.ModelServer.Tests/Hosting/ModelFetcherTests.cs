using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AiOperator.ModelServer.Hosting;
using AiOperator.ModelServer.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace AiOperator.ModelServer.Tests.Hosting;

/// <summary>Model download: cache names that survive restarts, stale files, whole-body timeout, redirects, plain http.</summary>
public sealed class ModelFetcherTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(300);
    private readonly byte[] _model = File.ReadAllBytes(TestModels.Fixed());
    private readonly TaskCompletionSource _never = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _cache = Path.Combine(TestModels.Directory, "fetch-" + Guid.NewGuid().ToString("N"));
    private WebApplication _origin = null!;
    private WebApplication _tlsOrigin = null!;
    private int _modelRequests;
    private int _stallRequests;
    private string? _thumbprint;

    private string Sha => Convert.ToHexStringLower(SHA256.HashData(_model));
    private string Http(string path) => _origin.Urls.First() + path;
    private string Https(string path) => _tlsOrigin.Urls.First() + path;

    public async Task InitializeAsync()
    {
        _origin = await StartOrigin(tls: false);
        _tlsOrigin = await StartOrigin(tls: true);
    }

    public async Task DisposeAsync()
    {
        _never.TrySetResult();
        foreach (var app in new[] { _origin, _tlsOrigin })
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private async Task<WebApplication> StartOrigin(bool tls)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o =>
        {
            if (tls)
            {
                o.UseHttps(SelfSigned());
            }
        }));
        var app = builder.Build();
        app.MapGet("/model.onnx", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref _modelRequests);
            ctx.Response.ContentLength = _model.Length;
            await ctx.Response.Body.WriteAsync(_model);
        });
        // Headers and half the body, then nothing: only a timeout over the whole body ends it.
        app.MapGet("/stall.onnx", async (HttpContext ctx) =>
        {
            Interlocked.Increment(ref _stallRequests);
            ctx.Response.ContentLength = _model.Length;
            await ctx.Response.Body.WriteAsync(_model.AsMemory(0, _model.Length / 2));
            await ctx.Response.Body.FlushAsync();
            await _never.Task;
        });
        app.MapGet("/redirect/{n:int}", (int n) => Results.Redirect(n == 0 ? "/model.onnx" : $"/redirect/{n - 1}"));
        app.MapGet("/to-http", () => Results.Redirect(Http("/model.onnx")));
        await app.StartAsync();
        return app;
    }

    private X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var loaded = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
        _thumbprint = loaded.GetCertHashString();
        return loaded;
    }

    // Trusts exactly the test origin's self-signed certificate.
    private HttpClient Client() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == _thumbprint },
    })
    { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    private async Task<string> Fetch(string uri, string? sha, TimeProvider? time = null, long max = 1 << 20)
    {
        using var http = Client();
        return await ModelFetcher.FetchAsync(uri, sha, max, _cache, http, Timeout, time ?? TimeProvider.System, _ => { }, CancellationToken.None);
    }

    [Fact]
    public async Task Plain_http_without_sha256_is_refused_before_any_request()
    {
        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => Fetch(Http("/model.onnx"), sha: null));
        Assert.Contains("plain http://", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _modelRequests);
    }

    [Fact]
    public async Task A_restart_reuses_the_download_under_its_content_name_and_stale_files_are_removed()
    {
        Directory.CreateDirectory(_cache);
        var stale = Path.Combine(_cache, "aiop-model-0123456789abcdef.onnx");
        var interrupted = Path.Combine(_cache, "aiop-model-sha256-" + new string('e', 64) + ".onnx.partial");
        var foreign = Path.Combine(_cache, "someone-elses.bin");
        foreach (var f in new[] { stale, interrupted, foreign })
        {
            await File.WriteAllBytesAsync(f, [1, 2, 3]);
        }

        var first = await Fetch(Http("/model.onnx?sig=1"), Sha);
        Assert.Equal(Path.Combine(_cache, $"aiop-model-sha256-{Sha}.onnx"), first);
        Assert.Equal(_model, await File.ReadAllBytesAsync(first));
        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(interrupted));
        Assert.True(File.Exists(foreign));

        // A restart (a new signed URL even) finds the verified file and downloads nothing.
        var again = await Fetch(Http("/model.onnx?sig=2"), Sha);
        Assert.Equal(first, again);
        Assert.Equal(1, _modelRequests);
        Assert.Equal([first, foreign], Directory.GetFiles(_cache).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_sha256_the_cache_name_comes_from_the_uri_and_is_reused()
    {
        var first = await Fetch(Https("/model.onnx"), sha: null);
        Assert.StartsWith(Path.Combine(_cache, "aiop-model-uri-"), first, StringComparison.Ordinal);
        Assert.Equal(first, await Fetch(Https("/model.onnx"), sha: null));
        Assert.Equal(1, _modelRequests);
    }

    [Fact]
    public async Task The_timeout_covers_the_whole_body_not_only_the_headers()
    {
        var time = new FakeTimeProvider();
        var fetch = Fetch(Http("/stall.onnx"), Sha, time);
        await Eventually.TrueAsync(() => Volatile.Read(ref _stallRequests) == 1, "download to start", TimeSpan.FromSeconds(10));
        time.Advance(Timeout + TimeSpan.FromSeconds(1));
        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => fetch.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("did not finish within 300 s", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_cache));
    }

    [Fact]
    public async Task Redirects_are_followed_up_to_the_limit_and_no_further()
    {
        var path = await Fetch(Http($"/redirect/{ModelFetcher.MaxRedirects - 1}"), Sha);
        Assert.Equal(_model, await File.ReadAllBytesAsync(path));
        File.Delete(path);

        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => Fetch(Http($"/redirect/{ModelFetcher.MaxRedirects}"), Sha));
        Assert.Contains($"more than {ModelFetcher.MaxRedirects} redirects", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_from_https_to_plain_http_is_refused_even_with_sha256()
    {
        var ex = await Assert.ThrowsAsync<ModelLoadException>(() => Fetch(Https("/to-http"), Sha));
        Assert.Contains("redirect from https to plain http", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, _modelRequests);
    }
}
