using AiOperator.Trainer.Training;

namespace AiOperator.Trainer.Checkpoints;

/// <summary>
/// The latest checkpoint in CHECKPOINT_DIR: one file, replaced atomically, so "latest" is simply what
/// is there. Only rank 0 reads and writes it; the other ranks get the state over the rendezvous.
/// </summary>
internal sealed class CheckpointStore(string directory, Hyperparameters hyperparameters)
{
    public const string FileName = "aiop-trainer-checkpoint.json";
    public const int MaxBytes = 1 << 20;

    public string Path { get; } = System.IO.Path.Combine(directory, FileName);

    public TrainingState? TryLoad()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        // A checkpoint of this network is a few KiB; refuse to read something else wholesale.
        var length = new FileInfo(Path).Length;
        if (length > MaxBytes)
        {
            throw new CheckpointException($"{Path} is {length} bytes, more than a checkpoint's limit of {MaxBytes}");
        }

        return CheckpointFormat.Deserialize(File.ReadAllBytes(Path), hyperparameters, Path);
    }

    public void Save(TrainingState state) => AtomicFile.Write(Path, CheckpointFormat.Serialize(state, hyperparameters));
}
