using System.Globalization;

namespace AiOperator.LocalCluster.Simulation.Kubelet;

// Per-pod overrides of the simulated behaviour, so a test can make one pod crash without a new
// image mapping: annotations sim.aioperator.dev/{start-delay,ready-after,exit-after,exit-code,reason}.
internal static class SimulationAnnotations
{
    public const string Prefix = "sim.aioperator.dev/";

    public static SimulatedContainer Apply(SimulatedContainer baseline, IDictionary<string, string>? annotations)
    {
        if (annotations is null)
        {
            return baseline;
        }

        var result = baseline;
        foreach (var (key, value) in annotations)
        {
            if (!key.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var name = key[Prefix.Length..];
            result = name switch
            {
                "start-delay" => result with { StartDelay = Duration(key, value) },
                "ready-after" => result with { ReadyAfter = Duration(key, value) },
                "exit-after" => result with { ExitAfter = Duration(key, value) },
                "exit-code" => result with { ExitCode = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c <= 255 ? c : throw new FormatException($"annotation {key}: '{value}' is not an exit code 0-255") },
                "reason" => result with { Reason = value },
                "message" => result with { Message = value },
                _ => throw new FormatException($"annotation {key}: unknown simulation setting '{name}'"),
            };
        }

        return result;
    }

    // Go-style durations as Kubernetes users write them: "500ms", "2s", "1m", "1m30s".
    public static TimeSpan Duration(string key, string value)
    {
        var total = TimeSpan.Zero;
        var span = value.AsSpan().Trim();
        if (span.IsEmpty)
        {
            throw new FormatException($"annotation {key}: empty duration");
        }

        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
            {
                digits++;
            }

            var units = digits;
            while (units < span.Length && char.IsAsciiLetter(span[units]))
            {
                units++;
            }

            if (digits == 0 || !double.TryParse(span[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"annotation {key}: '{value}' is not a duration like 500ms, 2s or 1m");
            }

            total += span[digits..units] switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                _ => throw new FormatException($"annotation {key}: '{value}' is not a duration like 500ms, 2s or 1m"),
            };
            span = span[units..];
        }

        return total;
    }
}
