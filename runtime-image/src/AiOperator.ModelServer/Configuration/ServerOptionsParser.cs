using System.Globalization;

namespace AiOperator.ModelServer.Configuration;

/// <summary>Turns command-line flags and AIOP_* environment variables into <see cref="ServerOptions"/>; flags win.</summary>
internal static class ServerOptionsParser
{
    private static readonly string[] Known =
    [
        "model-uri", "model-name", "model-version", "sha256", "host", "http-port", "grpc-port", "execution-provider",
        "intra-op-threads", "intra-op-spinning", "graph-optimization-level", "max-batch-size", "max-queue-delay-us", "max-queue-size",
        "max-request-bytes", "max-concurrent-reads", "max-model-bytes", "instance-count", "drain-timeout-seconds", "drain-delay-seconds",
        "download-timeout-seconds", "model-cache-dir", "termination-log",
    ];

    public static ServerOptions Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, int defaultThreads)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var flag in Known)
        {
            if (environment.TryGetValue(EnvName(flag), out var env) && env.Length > 0)
            {
                values[flag] = env;
            }
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new OptionsException($"unexpected argument '{arg}': options are --name value");
            }

            var name = arg[2..];
            string value;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else
            {
                if (i + 1 >= args.Count)
                {
                    throw new OptionsException($"--{name} needs a value");
                }

                value = args[++i];
            }

            if (Array.IndexOf(Known, name) < 0)
            {
                throw new OptionsException($"unknown option --{name}");
            }

            values[name] = value;
        }

        if (!values.TryGetValue("model-uri", out var uri) || string.IsNullOrWhiteSpace(uri))
        {
            throw new OptionsException("--model-uri (or AIOP_MODEL_URI) is required");
        }

        var options = new ServerOptions { ModelUri = uri, IntraOpThreads = Math.Max(1, defaultThreads) };
        foreach (var (name, value) in values)
        {
            options = Apply(options, name, value);
        }

        return options;
    }

    public static string EnvName(string flag) => "AIOP_" + flag.Replace('-', '_').ToUpperInvariant();

    private static ServerOptions Apply(ServerOptions o, string name, string value) => name switch
    {
        "model-uri" => o,
        "model-name" => o with { ModelName = Identifier(name, value) },
        "model-version" => o with { ModelVersion = Identifier(name, value) },
        "sha256" => o with { Sha256 = Sha(value) },
        "host" => o with { Host = value.Length is > 0 and <= 255 ? value : throw Bad(name, value, "a host name or address") },
        "http-port" => o with { HttpPort = Int(name, value, 0, 65535) },
        "grpc-port" => o with { GrpcPort = Int(name, value, 0, 65535) },
        "execution-provider" => o with { ExecutionProvider = Provider(value) },
        "intra-op-threads" => o with { IntraOpThreads = Int(name, value, 1, 1024), IntraOpThreadsGiven = true },
        "intra-op-spinning" => o with { IntraOpSpinning = Bool(name, value) },
        "graph-optimization-level" => o with { GraphOptimization = Optimization(value) },
        "max-batch-size" => o with { MaxBatchSize = Int(name, value, 1, 4096) },
        "max-queue-delay-us" => o with { MaxQueueDelayMicroseconds = Int(name, value, 0, 10_000_000) },
        "max-queue-size" => o with { MaxQueueSize = Int(name, value, 1, 1_000_000) },
        "max-request-bytes" => o with { MaxRequestBytes = Long(name, value, 1024, int.MaxValue) },
        "max-concurrent-reads" => o with { MaxConcurrentReads = Int(name, value, 1, 100_000) },
        "max-model-bytes" => o with { MaxModelBytes = Long(name, value, 1, long.MaxValue) },
        "instance-count" => o with { InstanceCount = Int(name, value, 0, 64) },
        "drain-timeout-seconds" => o with { DrainTimeoutSeconds = Int(name, value, 0, 3600) },
        "drain-delay-seconds" => o with { DrainDelaySeconds = Int(name, value, 0, 3600) },
        "download-timeout-seconds" => o with { DownloadTimeoutSeconds = Int(name, value, 1, 86400) },
        "model-cache-dir" => o with { ModelCacheDirectory = value },
        "termination-log" => o with { TerminationLogPath = value },
        _ => throw new OptionsException($"unknown option --{name}"),
    };

    private static string Identifier(string name, string value)
    {
        if (value.Length is 0 or > 128 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw Bad(name, value, "1-128 characters of [A-Za-z0-9._-]");
        }

        return value;
    }

    private static string Sha(string value)
    {
        if (value.Length != 64 || !value.All(char.IsAsciiHexDigit))
        {
            throw new OptionsException("--sha256 must be 64 hexadecimal characters");
        }

        return value.ToLowerInvariant();
    }

    private static ExecutionProviderKind Provider(string value) => value.ToLowerInvariant() switch
    {
        "auto" => ExecutionProviderKind.Auto,
        "cuda" => ExecutionProviderKind.Cuda,
        "tensorrt" => ExecutionProviderKind.TensorRT,
        "cpu" => ExecutionProviderKind.Cpu,
        _ => throw Bad("execution-provider", value, "one of Auto, CUDA, TensorRT, CPU"),
    };

    private static GraphOptimization Optimization(string value) => value.ToLowerInvariant() switch
    {
        "disabled" or "none" => GraphOptimization.Disabled,
        "basic" => GraphOptimization.Basic,
        "extended" => GraphOptimization.Extended,
        "all" => GraphOptimization.All,
        _ => throw Bad("graph-optimization-level", value, "one of disabled, basic, extended, all"),
    };

    private static bool Bool(string name, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => throw Bad(name, value, "true or false"),
    };

    private static int Int(string name, string value, int min, int max) => (int)Long(name, value, min, max);

    private static long Long(string name, string value, long min, long max)
    {
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw Bad(name, value, $"an integer from {min} to {max}");
        }

        return n;
    }

    private static OptionsException Bad(string name, string value, string expected)
    {
        var shown = value.Length > 64 ? value[..64] + "…" : value;
        return new OptionsException($"--{name} '{shown}' is invalid: expected {expected}");
    }
}
