namespace AiOperator.LocalCluster.ApiServer.Storage.Durability;

// The store on disk (`--state-dir`): a snapshot of every object plus an append-only log of the changes
// since. Changes are appended in memory under the store lock and written by one writer thread that
// fsyncs a whole batch at once (group commit); a request is answered only once its change is durable.
// When the log outgrows a limit, a new snapshot is written beside it (fsync, rename, fsync of the
// folder) and the log is emptied; on start, log records at or below the snapshot's version are skipped
// and a torn tail (short or failing its checksum) is cut off.
internal sealed class DurableLog : IAsyncDisposable
{
    private const string SnapshotName = "snapshot";
    private const string LogName = "log";
    private static readonly ObjectRef EndOfSnapshot = new("", "", "end-of-snapshot");

    private readonly string _directory;
    private readonly long _compactAtBytes;
    private readonly FileStream _log;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);
    private List<byte[]> _pending = [];
    private TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _appendedRv;
    private long _durableRv;
    private bool _wakeRequested;
    private bool _stopping;
    private Exception? _failure;
    private Task _writer = Task.CompletedTask;
    private object? _gate;
    private Func<IEnumerable<LogRecord>>? _capture;

    private DurableLog(string directory, long compactAtBytes, FileStream log, long rv)
    {
        _directory = directory;
        _compactAtBytes = compactAtBytes;
        _log = log;
        _appendedRv = rv;
        _durableRv = rv;
    }

    /// <summary>Bytes written to the log since the last snapshot.</summary>
    public long LogBytes => _log.Length;

    public int Snapshots { get; private set; }

    // Reads the folder's state: the live objects (ordered by resourceVersion) and the highest version seen.
    public static (DurableLog Log, IReadOnlyList<LogRecord> Objects, long ResourceVersion) Open(string directory, long compactAtBytes)
    {
        Directory.CreateDirectory(directory);
        var live = new Dictionary<ObjectRef, LogRecord>();
        long snapshotRv = 0;
        var snapshotPath = Path.Combine(directory, SnapshotName);
        File.Delete(snapshotPath + ".tmp");
        if (File.Exists(snapshotPath))
        {
            using var snapshot = File.OpenRead(snapshotPath);
            var (records, _) = LogRecordCodec.ReadAll(snapshot);
            if (records.Count == 0 || records[^1].Ref != EndOfSnapshot)
            {
                throw new InvalidDataException($"{snapshotPath} is damaged (it is only ever replaced whole): restore it or remove the state folder");
            }

            snapshotRv = records[^1].ResourceVersion;
            foreach (var record in records.Take(records.Count - 1))
            {
                live[record.Ref] = record;
            }
        }

        var log = new FileStream(Path.Combine(directory, LogName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        var (changes, validLength) = LogRecordCodec.ReadAll(log);
        if (validLength < log.Length)
        {
            // A write torn by a crash was never acknowledged: drop it so appends continue on intact records.
            log.SetLength(validLength);
            log.Flush(flushToDisk: true);
        }

        log.Position = validLength;
        var rv = snapshotRv;
        foreach (var change in changes.Where(c => c.ResourceVersion > snapshotRv))
        {
            if (change.Json is null)
            {
                live.Remove(change.Ref);
            }
            else
            {
                live[change.Ref] = change;
            }

            rv = Math.Max(rv, change.ResourceVersion);
        }

        var objects = live.Values.OrderBy(r => r.ResourceVersion).ToList();
        return (new DurableLog(directory, compactAtBytes, log, rv), objects, rv);
    }

    // capture runs while gate is held and lists every live object, for snapshots.
    public void Start(object gate, Func<IEnumerable<LogRecord>> capture)
    {
        _gate = gate;
        _capture = capture;
        _writer = Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    // Called under the store lock, in resourceVersion order.
    public void Append(LogRecord record)
    {
        var bytes = LogRecordCodec.Encode(record);
        bool wake;
        lock (_lock)
        {
            _pending.Add(bytes);
            _appendedRv = record.ResourceVersion;
            wake = !_wakeRequested;
            _wakeRequested = true;
        }

        if (wake)
        {
            _wake.Release();
        }
    }

    // Completes once every change appended before the call is on disk.
    public async Task WaitDurableAsync()
    {
        long target;
        lock (_lock)
        {
            target = _appendedRv;
        }

        while (true)
        {
            Task next;
            var wake = false;
            lock (_lock)
            {
                if (_failure is not null)
                {
                    throw new IOException($"the state folder {_directory} cannot be written: {_failure.Message}", _failure);
                }

                if (_durableRv >= target)
                {
                    return;
                }

                next = _flushed.Task;
                if (!_wakeRequested)
                {
                    // The batch holding this change may be in flight; ask for one more round to be told.
                    _wakeRequested = wake = true;
                }
            }

            if (wake)
            {
                _wake.Release();
            }

            await next;
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _stopping = true;
        }

        _wake.Release();
        try
        {
            await _writer;
        }
        finally
        {
            await _log.DisposeAsync();
            _wake.Dispose();
        }
    }

    private void WriteLoop()
    {
        while (true)
        {
            _wake.Wait();
            List<byte[]> batch;
            long upto;
            TaskCompletionSource done;
            bool stop;
            var compact = _log.Length >= _compactAtBytes && _gate is not null;
            IReadOnlyList<LogRecord>? objects = null;
            if (compact)
            {
                lock (_gate!)
                {
                    objects = _capture!().ToList();
                    (batch, upto, done, stop) = TakeBatch();
                }
            }
            else
            {
                (batch, upto, done, stop) = TakeBatch();
            }

            try
            {
                if (objects is not null)
                {
                    WriteSnapshot(objects, upto);
                }
                else if (batch.Count > 0)
                {
                    foreach (var record in batch)
                    {
                        _log.Write(record);
                    }

                    _log.Flush(flushToDisk: true);
                }

                lock (_lock)
                {
                    _durableRv = Math.Max(_durableRv, upto);
                }

                done.SetResult();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                lock (_lock)
                {
                    _failure = ex;
                }

                done.SetException(ex);
                return;
            }

            if (stop)
            {
                return;
            }
        }
    }

    private (List<byte[]> Batch, long Upto, TaskCompletionSource Done, bool Stop) TakeBatch()
    {
        lock (_lock)
        {
            var batch = _pending;
            _pending = [];
            var done = _flushed;
            _flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _wakeRequested = false;
            return (batch, _appendedRv, done, _stopping);
        }
    }

    // Everything up to rv is in the snapshot, so the log restarts empty once the snapshot is durable.
    private void WriteSnapshot(IReadOnlyList<LogRecord> objects, long rv)
    {
        var path = Path.Combine(_directory, SnapshotName);
        using (var file = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            foreach (var record in objects)
            {
                file.Write(LogRecordCodec.Encode(record));
            }

            file.Write(LogRecordCodec.Encode(new LogRecord(rv, EndOfSnapshot, null)));
            file.Flush(flushToDisk: true);
        }

        File.Move(path + ".tmp", path, overwrite: true);
        DirectorySync.Sync(_directory);
        _log.SetLength(0);
        _log.Position = 0;
        _log.Flush(flushToDisk: true);
        Snapshots++;
    }
}
