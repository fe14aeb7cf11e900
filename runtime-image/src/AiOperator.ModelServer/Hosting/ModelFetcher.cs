using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace AiOperator.ModelServer.Hosting;

/// <summary>
/// Turns --model-uri into a local file: a path or file:// URI as is; http(s) downloaded into the cache
/// directory under a name derived from the sha256 (or the URI), so a restarted container reuses its
/// earlier download and nothing else of ours stays behind. Checks the sha256 when one is given.
/// </summary>
internal static class ModelFetcher
{
    public const string CachePrefix = "aiop-model-";
    public const int MaxRedirects = 5;

    /// <param name="http">A client that does not follow redirects itself (they are followed here, within limits).</param>
    /// <param name="timeout">For the whole download: connection, headers and body.</param>
    public static async Task<string> FetchAsync(string uri, string? sha256, long maxBytes, string cacheDirectory, HttpClient http,
        TimeSpan timeout, TimeProvider time, Action<string> log, CancellationToken ct)
    {
        if (uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var parsed = Uri.TryCreate(uri, UriKind.Absolute, out var u) ? u : throw new ModelLoadException("--model-uri is not a valid http(s) URI");
            if (parsed.Scheme == Uri.UriSchemeHttp && sha256 is null)
            {
                throw new ModelLoadException("--model-uri uses plain http://, which can be altered in transit: give --sha256 or use https://");
            }

            return await DownloadAsync(parsed, sha256, maxBytes, cacheDirectory, http, timeout, time, log, ct);
        }

        string path;
        if (uri.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            path = Uri.TryCreate(uri, UriKind.Absolute, out var u) ? u.LocalPath : throw new ModelLoadException($"--model-uri '{uri}' is not a valid file URI");
        }
        else if (uri.Contains("://", StringComparison.Ordinal))
        {
            throw new ModelLoadException($"--model-uri scheme of '{uri}' is not supported: use a path, file://, http:// or https://");
        }
        else
        {
            path = uri;
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new ModelLoadException($"model file '{path}' does not exist");
        }

        if (info.Length > maxBytes)
        {
            throw new ModelLoadException($"model file '{path}' is {info.Length} bytes, over the limit of {maxBytes}");
        }

        if (sha256 is not null)
        {
            Verify(await HashFileAsync(path, ct), sha256);
        }

        return path;
    }

    /// <summary>The cache file for a download: by content when the sha256 is known, else by URI (query included).</summary>
    public static string CacheName(Uri uri, string? sha256) => sha256 is not null
        ? $"{CachePrefix}sha256-{sha256.ToLowerInvariant()}.onnx"
        : $"{CachePrefix}uri-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uri.AbsoluteUri)))[..32]}.onnx";

    private static async Task<string> DownloadAsync(Uri uri, string? sha256, long maxBytes, string cacheDirectory, HttpClient http,
        TimeSpan timeout, TimeProvider time, Action<string> log, CancellationToken ct)
    {
        Directory.CreateDirectory(cacheDirectory);
        var target = Path.Combine(cacheDirectory, CacheName(uri, sha256));
        var partial = target + ".partial";
        RemoveStale(cacheDirectory, target, log);
        // The URL may carry a signed query string: report only scheme, host and path.
        var shown = uri.GetLeftPart(UriPartial.Path);

        if (File.Exists(target))
        {
            var length = new FileInfo(target).Length;
            if (length <= maxBytes && (sha256 is null || string.Equals(await HashFileAsync(target, ct), sha256, StringComparison.OrdinalIgnoreCase)))
            {
                log($"reusing the model downloaded earlier from {shown} ({length} bytes)");
                return target;
            }

            File.Delete(target);
        }

        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            using var response = await GetFollowingRedirectsAsync(uri, http, shown, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw new ModelLoadException($"downloading the model from {shown} failed: HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
            {
                throw new ModelLoadException($"the model at {shown} is {declared} bytes, over the limit of {maxBytes}");
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var source = await response.Content.ReadAsStreamAsync(linked.Token))
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, linked.Token)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        throw new ModelLoadException($"the model at {shown} is over the limit of {maxBytes} bytes");
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), linked.Token);
                }
            }

            if (sha256 is not null)
            {
                Verify(Convert.ToHexStringLower(hash.GetHashAndReset()), sha256);
            }

            // Only a complete, verified download gets the name a restart looks for.
            File.Move(partial, target, overwrite: true);
            return target;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            File.Delete(partial);
            throw new ModelLoadException($"downloading the model from {shown} did not finish within {timeout.TotalSeconds:0} s (--download-timeout-seconds)");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            File.Delete(partial);
            throw new ModelLoadException($"downloading the model from {shown} failed: {ex.Message}", ex);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }
    }

    private static async Task<HttpResponseMessage> GetFollowingRedirectsAsync(Uri uri, HttpClient http, string shown, CancellationToken ct)
    {
        var current = uri;
        for (var hop = 0; ; hop++)
        {
            var response = await http.GetAsync(current, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
                or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect))
            {
                return response;
            }

            using (response)
            {
                if (hop == MaxRedirects)
                {
                    throw new ModelLoadException($"downloading the model from {shown} failed: more than {MaxRedirects} redirects");
                }

                if (response.Headers.Location is not { } location)
                {
                    throw new ModelLoadException($"downloading the model from {shown} failed: HTTP {(int)response.StatusCode} without a Location");
                }

                var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                if (next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp)
                {
                    throw new ModelLoadException($"downloading the model from {shown} failed: redirect to a {next.Scheme} URI refused");
                }

                if (current.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
                {
                    throw new ModelLoadException($"downloading the model from {shown} failed: redirect from https to plain http ({next.GetLeftPart(UriPartial.Authority)}) refused");
                }

                current = next;
            }
        }
    }

    // The cache directory is the pod's own emptyDir: any other file of ours is an earlier model or an
    // interrupted download, and left there it would fill the volume across restarts.
    private static void RemoveStale(string cacheDirectory, string keep, Action<string> log)
    {
        foreach (var file in Directory.EnumerateFiles(cacheDirectory, CachePrefix + "*"))
        {
            if (string.Equals(file, keep, StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                File.Delete(file);
                log($"removed stale model cache file {Path.GetFileName(file)}");
            }
            catch (IOException)
            {
                // Another container sharing the volume may hold it; it is not ours to fight over.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static async Task<string> HashFileAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }

    private static void Verify(string actual, string expected)
    {
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException($"model sha256 mismatch: expected {expected}, got {actual}");
        }
    }
}
