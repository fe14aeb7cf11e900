using System.Security.Cryptography;

namespace AiOperator.ModelServer.Hosting;

/// <summary>
/// Turns --model-uri into a local file: a path or file:// URI as is, http(s) downloaded once into the
/// cache directory with a size cap. Checks the sha256 when one is given.
/// </summary>
internal static class ModelFetcher
{
    public static async Task<string> FetchAsync(string uri, string? sha256, long maxBytes, string cacheDirectory, HttpClient http, CancellationToken ct)
    {
        if (uri.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return await DownloadAsync(new Uri(uri), sha256, maxBytes, cacheDirectory, http, ct);
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
            await using var stream = File.OpenRead(path);
            Verify(Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct)), sha256);
        }

        return path;
    }

    private static async Task<string> DownloadAsync(Uri uri, string? sha256, long maxBytes, string cacheDirectory, HttpClient http, CancellationToken ct)
    {
        Directory.CreateDirectory(cacheDirectory);
        var target = Path.Combine(cacheDirectory, $"aiop-model-{Guid.NewGuid():N}.onnx");
        // The URL may carry a signed query string: report only scheme, host and path.
        var shown = uri.GetLeftPart(UriPartial.Path);
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new ModelLoadException($"downloading the model from {shown} failed: HTTP {(int)response.StatusCode}");
            }

            if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
            {
                throw new ModelLoadException($"the model at {shown} is {declared} bytes, over the limit of {maxBytes}");
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var source = await response.Content.ReadAsStreamAsync(ct))
            await using (var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                long total = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        throw new ModelLoadException($"the model at {shown} is over the limit of {maxBytes} bytes");
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }

            if (sha256 is not null)
            {
                Verify(Convert.ToHexStringLower(hash.GetHashAndReset()), sha256);
            }

            return target;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            File.Delete(target);
            throw new ModelLoadException($"downloading the model from {shown} failed: {ex.Message}", ex);
        }
        catch
        {
            File.Delete(target);
            throw;
        }
    }

    private static void Verify(string actual, string expected)
    {
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelLoadException($"model sha256 mismatch: expected {expected}, got {actual}");
        }
    }
}
