namespace AiOperator.Api.V1Alpha1;

/// <summary>
/// The environment the operator gives every TrainingJob worker: what torchrun / PyTorch DDP read, plus the
/// checkpoint and output locations. User env may not set these names (validation refuses the clash).
/// </summary>
public static class TrainingEnvironment
{
    public const string MasterAddr = "MASTER_ADDR";
    public const string MasterPort = "MASTER_PORT";
    public const string WorldSize = "WORLD_SIZE";
    public const string Rank = "RANK";
    public const string NodeRank = "NODE_RANK";
    public const string LocalWorldSize = "LOCAL_WORLD_SIZE";
    public const string PetNnodes = "PET_NNODES";
    public const string PetNodeRank = "PET_NODE_RANK";
    public const string PetMasterAddr = "PET_MASTER_ADDR";
    public const string PetMasterPort = "PET_MASTER_PORT";
    public const string PetNprocPerNode = "PET_NPROC_PER_NODE";
    public const string CheckpointDir = "CHECKPOINT_DIR";
    public const string OutputPath = "OUTPUT_PATH";

    /// <summary>Where rank 0 gets the output claim (OUTPUT_PATH lies under it).</summary>
    public const string OutputMountPath = "/output";

    /// <summary>A writable scratch directory: the root filesystem is read-only.</summary>
    public const string ScratchMountPath = "/tmp";

    /// <summary>Mount paths the operator uses in workers; a checkpoint mounted on one would make the API server refuse the pod.</summary>
    public static IReadOnlyList<string> ReservedMountPaths { get; } = [OutputMountPath, ScratchMountPath];

    public static IReadOnlyList<string> Reserved { get; } =
    [
        MasterAddr, MasterPort, WorldSize, Rank, NodeRank, LocalWorldSize,
        PetNnodes, PetNodeRank, PetMasterAddr, PetMasterPort, PetNprocPerNode,
        CheckpointDir, OutputPath,
    ];

    /// <summary>Pods are <c>NAME-worker-RANK</c>; the rendezvous Service is <c>NAME-workers</c>.</summary>
    public static string WorkerName(string job, int rank) => $"{job}-worker-{rank}";

    public static string ServiceName(string job) => $"{job}-workers";
}
