using System.Globalization;

namespace AiOperator.Trainer.Configuration;

/// <summary>
/// Turns flags, the AIOP_* variables and the torchrun-style gang variables (WORLD_SIZE, RANK, ...)
/// into <see cref="TrainerOptions"/>; a flag wins over its variable. Errors name the flag or variable.
/// </summary>
internal static class TrainerOptionsParser
{
    public const string DefaultTerminationMessagePath = "/dev/termination-log";

    // flag -> the variables that may carry it, first wins.
    private static readonly (string Flag, string[] Variables)[] Known =
    [
        ("epochs", ["AIOP_EPOCHS"]),
        ("seed", ["AIOP_SEED"]),
        ("learning-rate", ["AIOP_LEARNING_RATE"]),
        ("weight-decay", ["AIOP_WEIGHT_DECAY"]),
        ("checkpoint-interval", ["AIOP_CHECKPOINT_INTERVAL"]),
        ("step-delay-ms", ["AIOP_STEP_DELAY_MS"]),
        ("checkpoint-dir", ["CHECKPOINT_DIR"]),
        ("output-path", ["OUTPUT_PATH"]),
        // AIOP_TERMINATION_LOG first: where the local cluster's kubelet reads the message of a process pod.
        ("termination-message-path", ["AIOP_TERMINATION_LOG", "TERMINATION_MESSAGE_PATH"]),
        ("rendezvous-timeout-seconds", ["AIOP_RENDEZVOUS_TIMEOUT_SECONDS"]),
        ("peer-timeout-seconds", ["AIOP_PEER_TIMEOUT_SECONDS"]),
    ];

    public static bool WantsHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h");

    public static TrainerOptions Parse(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        // value and the name to blame when it is bad ("--epochs" or "AIOP_EPOCHS")
        var values = new Dictionary<string, (string Value, string Source)>(StringComparer.Ordinal);
        foreach (var (flag, variables) in Known)
        {
            foreach (var variable in variables)
            {
                if (environment.TryGetValue(variable, out var env) && env.Length > 0)
                {
                    values[flag] = (env, variable);
                    break;
                }
            }
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new OptionsException($"unexpected argument '{Shown(arg)}': options are --name value (see --help)");
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

            if (!Known.Any(k => k.Flag == name))
            {
                throw new OptionsException($"unknown option --{Shown(name)} (see --help)");
            }

            values[name] = (value, "--" + name);
        }

        var options = new TrainerOptions();
        foreach (var (flag, (value, source)) in values)
        {
            options = Apply(options, flag, value, source);
        }

        options = options.TerminationMessagePath is null
            ? options with { TerminationMessagePath = DefaultTerminationMessagePath }
            : options with { TerminationMessagePathExplicit = true };
        return Gang(options, environment);
    }

    private static TrainerOptions Apply(TrainerOptions o, string flag, string value, string source) => flag switch
    {
        "epochs" => o with { Epochs = Int(source, value, 1, 1_000_000) },
        "seed" => o with { Seed = Int(source, value, 0, int.MaxValue) },
        "learning-rate" => o with { LearningRate = Double(source, value, 1e-9, 10) },
        "weight-decay" => o with { WeightDecay = Double(source, value, 0, 10) },
        "checkpoint-interval" => o with { CheckpointInterval = Int(source, value, 1, int.MaxValue) },
        "step-delay-ms" => o with { StepDelayMilliseconds = Int(source, value, 0, 60_000) },
        "checkpoint-dir" => o with { CheckpointDirectory = Path(source, value) },
        "output-path" => o with { OutputPath = Path(source, value) },
        "termination-message-path" => o with { TerminationMessagePath = Path(source, value) },
        "rendezvous-timeout-seconds" => o with { RendezvousTimeout = TimeSpan.FromSeconds(Int(source, value, 1, 86_400)) },
        "peer-timeout-seconds" => o with { PeerTimeout = TimeSpan.FromSeconds(Int(source, value, 1, 86_400)) },
        _ => throw new OptionsException($"unknown option --{flag}"),
    };

    // WORLD_SIZE counts processes torchrun would start (pods x LOCAL_WORLD_SIZE); this trainer runs one
    // process per pod, so the gang has WORLD_SIZE / LOCAL_WORLD_SIZE ranks and a pod's rank is NODE_RANK
    // (the worker index), falling back to RANK where only the plain PyTorch variables are set.
    private static TrainerOptions Gang(TrainerOptions o, IReadOnlyDictionary<string, string> env)
    {
        var worldSize = Int("WORLD_SIZE", Get(env, "WORLD_SIZE") ?? "1", 1, 65_536);
        var local = Int("LOCAL_WORLD_SIZE", Get(env, "LOCAL_WORLD_SIZE") ?? "1", 1, 1024);
        if (worldSize % local != 0)
        {
            throw new OptionsException($"WORLD_SIZE {worldSize} is not a multiple of LOCAL_WORLD_SIZE {local}");
        }

        var ranks = worldSize / local;
        var rankVariable = Get(env, "NODE_RANK") is not null ? "NODE_RANK" : "RANK";
        var rank = Int(rankVariable, Get(env, rankVariable) ?? "0", 0, int.MaxValue);
        if (rank >= ranks)
        {
            throw new OptionsException($"{rankVariable} {rank} is out of range: the gang has {ranks} rank(s) (WORLD_SIZE {worldSize} / LOCAL_WORLD_SIZE {local}), so ranks are 0..{ranks - 1}");
        }

        var port = Int("MASTER_PORT", Get(env, "MASTER_PORT") ?? "29500", 1, 65535);
        var address = Get(env, "MASTER_ADDR");
        if (ranks > 1 && address is null)
        {
            throw new OptionsException($"MASTER_ADDR is required when the gang has more than one rank (WORLD_SIZE {worldSize})");
        }

        if (address is not null && (address.Length > 253 || address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            throw new OptionsException($"MASTER_ADDR '{Shown(address)}' is invalid: expected a host name or IP address");
        }

        if (rank == 0 && o.OutputPath is null)
        {
            throw new OptionsException("OUTPUT_PATH (or --output-path) is required on rank 0: it is where the trained model is written");
        }

        var podIp = Get(env, "AIOP_POD_IP");
        if (podIp is not null && !System.Net.IPAddress.TryParse(podIp, out _))
        {
            throw new OptionsException($"AIOP_POD_IP '{Shown(podIp)}' is invalid: expected an IP address");
        }

        return o with { Ranks = ranks, Rank = rank, MasterAddress = address, MasterPort = port, PodAddress = podIp };
    }

    private static string? Get(IReadOnlyDictionary<string, string> env, string name) =>
        env.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    private static int Int(string source, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw Bad(source, value, $"an integer from {min} to {max}");
        }

        return n;
    }

    private static double Double(string source, string value, double min, double max)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d) || d < min || d > max)
        {
            throw Bad(source, value, $"a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        }

        return d;
    }

    private static string Path(string source, string value) =>
        value.Length is > 0 and <= 4096 && !value.Contains('\0', StringComparison.Ordinal) ? value : throw Bad(source, value, "a file system path");

    private static OptionsException Bad(string source, string value, string expected) =>
        new($"{source} '{Shown(value)}' is invalid: expected {expected}");

    private static string Shown(string value) => value.Length > 64 ? value[..64] + "…" : value;
}
