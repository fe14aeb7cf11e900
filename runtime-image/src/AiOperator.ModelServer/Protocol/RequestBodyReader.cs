using System.Buffers;

namespace AiOperator.ModelServer.Protocol;

/// <summary>
/// Reads a request body into a pooled buffer that grows with the bytes that actually arrive: the
/// declared Content-Length only refuses early (413), it never sizes an allocation, so a small request
/// that declares a huge body costs no more than what it sent.
/// </summary>
internal static class RequestBodyReader
{
    public const int InitialBuffer = 64 * 1024;

    /// <summary>The caller returns <see cref="PooledBody.Buffer"/> to <see cref="ArrayPool{T}.Shared"/>; on failure it is returned here.</summary>
    public static async Task<PooledBody> ReadAsync(Stream body, long? declared, long max, CancellationToken ct)
    {
        if (declared > max)
        {
            throw new InferenceException(413, $"request body of {declared} bytes is larger than the limit of {max} bytes");
        }

        // One byte more than the declared length lets the end be seen without growing again.
        var first = (int)Math.Min(Math.Min(max + 1, InitialBuffer), declared is { } d ? d + 1 : InitialBuffer);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, first));
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(max + 1, (long)buffer.Length * 2));
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(total), ct);
                if (read == 0)
                {
                    return new PooledBody(buffer, total);
                }

                total += read;
                if (total > max)
                {
                    throw new InferenceException(413, $"request body is larger than the limit of {max} bytes");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
