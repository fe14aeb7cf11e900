namespace AiOperator.ControllerRuntime.Client;

/// <summary>Timeouts, retry policy and size limits for API calls.</summary>
public sealed record KubeApiOptions
{
    /// <summary>Per attempt, for everything except watches.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after the first attempt for 429, 5xx, timeouts and connection failures.</summary>
    public int MaxRetries { get; init; } = 5;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Caps both the exponential delay and a server's Retry-After.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest response body read for a non-watch call.</summary>
    public int MaxResponseBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Largest single watch event line.</summary>
    public int MaxWatchEventBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Sent as the User-Agent header.</summary>
    public string UserAgent { get; init; } = "aioperator";
}
