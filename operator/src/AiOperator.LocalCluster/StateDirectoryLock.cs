namespace AiOperator.LocalCluster;

/// <summary>
/// One running cluster's exclusive hold on its state folder. Two clusters on one folder would both write
/// its object store and both start the pods it holds. The hold is an advisory lock on a file in the folder
/// (flock, which .NET takes for FileShare.None on Unix), so the kernel drops it when the process exits,
/// killed or not: there is no stale lock to clean up.
/// </summary>
public sealed class StateDirectoryLock : IDisposable
{
    public const string FileName = ".aiop-local.lock";

    private readonly FileStream _file;

    private StateDirectoryLock(FileStream file) => _file = file;

    /// <summary>Takes the folder; an IOException naming it when another cluster holds it.</summary>
    public static StateDirectoryLock Acquire(string directory)
    {
        var path = Path.Combine(directory, FileName);
        try
        {
            return new StateDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex)
        {
            throw new IOException($"the state folder {directory} is in use by another running local cluster; stop that one first or give another --state-dir", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}
