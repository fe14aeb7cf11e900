namespace AiOperator.Benchmarks.ModelServer;

/// <summary>One load run: requests per second and latency percentiles in milliseconds.</summary>
internal sealed record LoadResult(string Model, string Target, int Concurrency, double Throughput, double P50Ms, double P99Ms, long Requests, long Errors);
