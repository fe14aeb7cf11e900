using System.Net;
using System.Net.Http.Headers;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace AiOperator.ControllerRuntime.Client;

// The retry decision for API calls: 429 (honouring Retry-After), 5xx, per-attempt timeouts and
// connection failures are transient; 409 and other 4xx are answers, returned to the caller.
internal static class TransientFaults
{
    public static bool IsTransient(HttpStatusCode code) =>
        code == HttpStatusCode.TooManyRequests || ((int)code >= 500 && code != HttpStatusCode.NotImplemented);

    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        var retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter?.Date is { } date ? (date > now ? date - now : TimeSpan.Zero) : null;
    }

    public static ResiliencePipeline<HttpResponseMessage> Pipeline(KubeApiOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsTransient(r.StatusCode)),
                DelayGenerator = args =>
                {
                    if (args.Outcome.Result is { } response && RetryAfter(response.Headers, timeProvider.GetUtcNow()) is { } wait)
                    {
                        return ValueTask.FromResult<TimeSpan?>(wait > options.MaxRetryDelay ? options.MaxRetryDelay : wait);
                    }

                    return ValueTask.FromResult<TimeSpan?>(null);
                },
                OnRetry = args =>
                {
                    // The failed response is dropped: release its connection.
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddTimeout(options.RequestTimeout);
        return builder.Build();
    }
}
