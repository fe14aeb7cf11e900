using System.Globalization;

namespace AiOperator.TestProcess;

internal sealed record TestProcessOptions
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; } = 8080;

    public int? ExitAfterMs { get; init; }

    public int ExitCode { get; init; }

    public bool IgnoreSigterm { get; init; }

    public int ReadyAfterMs { get; init; }

    public int? UnhealthyAfterMs { get; init; }

    public string? TerminationMessage { get; init; }

    public static TestProcessOptions Parse(string[] args)
    {
        var options = new TestProcessOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.TryParse(Next(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw new ArgumentException($"{args[i - 1]} needs an integer");
            options = args[i] switch
            {
                "--host" => options with { Host = Next() },
                "--port" => options with { Port = NextInt() },
                "--exit-after-ms" => options with { ExitAfterMs = NextInt() },
                "--exit-code" => options with { ExitCode = NextInt() },
                "--ignore-sigterm" => options with { IgnoreSigterm = true },
                "--ready-after-ms" => options with { ReadyAfterMs = NextInt() },
                "--unhealthy-after-ms" => options with { UnhealthyAfterMs = NextInt() },
                "--termination-message" => options with { TerminationMessage = Next() },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }

        return options;
    }
}
