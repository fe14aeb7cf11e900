namespace AiOperator.Trainer.Configuration;

/// <summary>Everything one trainer process runs with: hyperparameters, its place in the gang, and where files go.</summary>
internal sealed record TrainerOptions
{
    public int Epochs { get; init; } = 100;
    public int Seed { get; init; } = 1;
    public double LearningRate { get; init; } = 0.001;
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Optimizer steps between checkpoints; the last step is always checkpointed.</summary>
    public int CheckpointInterval { get; init; } = 50;

    /// <summary>Pause after each step, so a demo or a test can interrupt a run mid-way; 0 in real use.</summary>
    public int StepDelayMilliseconds { get; init; }

    public string? CheckpointDirectory { get; init; }
    public string? OutputPath { get; init; }
    public string? TerminationMessagePath { get; init; }

    /// <summary>Whether TerminationMessagePath was configured (written even if absent) or is the Kubernetes default (written only if it exists).</summary>
    public bool TerminationMessagePathExplicit { get; init; }

    /// <summary>Participating processes: WORLD_SIZE / LOCAL_WORLD_SIZE, one per pod.</summary>
    public int Ranks { get; init; } = 1;

    /// <summary>This pod's index among <see cref="Ranks"/> (NODE_RANK, else RANK).</summary>
    public int Rank { get; init; }

    public string? MasterAddress { get; init; }
    public int MasterPort { get; init; } = 29500;

    /// <summary>The pod's own address where the environment says it (AIOP_POD_IP, set for the local cluster's process pods).</summary>
    public string? PodAddress { get; init; }
    public TimeSpan RendezvousTimeout { get; init; } = TimeSpan.FromSeconds(300);
    public TimeSpan PeerTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
