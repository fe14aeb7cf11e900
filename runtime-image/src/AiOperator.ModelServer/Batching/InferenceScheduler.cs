using AiOperator.ModelServer.Metrics;
using AiOperator.ModelServer.Protocol;
using Microsoft.ML.OnnxRuntime;

namespace AiOperator.ModelServer.Batching;

/// <summary>
/// Runs requests on a fixed number of execution slots. A request that arrives while a slot is free runs
/// at once on the caller's thread: no queue, no timer, no thread hop. Requests that arrive while every
/// slot is busy queue; a slot that frees takes the oldest queued request plus every compatible one (up
/// to the max batch), and only then, if the batch is not full, waits out what is left of the max queue
/// delay counted from the oldest one's arrival (as Triton's dynamic batcher; with delay 0 it never waits),
/// and only while another request is still being received: with none on its way the wait could only
/// idle the slot, so the partial batch runs at once (a few closed-loop clients never pay the delay).
/// </summary>
internal sealed class InferenceScheduler : IAsyncDisposable
{
    private readonly IModelRunner _model;
    private readonly SchedulerOptions _options;
    private readonly ServerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    // Invariant (under _gate): requests are pending only while no slot is free.
    private readonly List<QueuedRequest> _pending = [];
    private readonly int _slotCount;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _arrival = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _freeSlots;
    private bool _closed;
    private long _queued;
    private int _arriving;

    public InferenceScheduler(IModelRunner model, SchedulerOptions options, ServerMetrics metrics, TimeProvider time)
    {
        _model = model;
        _options = options;
        _metrics = metrics;
        _time = time;
        _slotCount = Math.Max(1, options.Instances);
        _freeSlots = _slotCount;
        ExecutionThreads.Reserve(_slotCount);
    }

    /// <summary>
    /// Runs the request (alone or in a batch); outputs come back in the order the request asked for them.
    /// When a slot is free the run happens before this returns and the task is already complete.
    /// </summary>
    public Task<List<InferenceTensor>> InferAsync(InferRequest request)
    {
        if (Interlocked.Increment(ref _queued) > _options.MaxQueueSize)
        {
            Interlocked.Decrement(ref _queued);
            throw new InferenceException(503, $"the request queue is full ({_options.MaxQueueSize} pending); retry later");
        }

        var item = new QueuedRequest(request, BatchAssembler.Rows(request), _time.GetTimestamp());
        _metrics.Enqueued();
        bool runNow;
        lock (_gate)
        {
            if (_closed)
            {
                Interlocked.Decrement(ref _queued);
                _metrics.Dequeued(TimeSpan.Zero);
                throw new InferenceException(503, "the server is shutting down");
            }

            runNow = _freeSlots > 0;
            if (runNow)
            {
                _freeSlots--;
            }
            else
            {
                item.Key = _options.Batching ? BatchAssembler.Key(request) : null;
                _pending.Add(item);
                var arrival = _arrival;
                _arrival = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                arrival.TrySetResult();
            }
        }

        if (runNow)
        {
            try
            {
                ExecuteGuarded([item]);
            }
            finally
            {
                ReleaseSlot();
            }
        }

        return item.Completion.Task;
    }

    /// <summary>A request has started arriving (its body is being read or parsed); a partial batch may wait for it.</summary>
    public void BeginArrival() => Interlocked.Increment(ref _arriving);

    /// <summary>The request begun with <see cref="BeginArrival"/> is about to be submitted, or has failed.</summary>
    public void EndArrival() => Interlocked.Decrement(ref _arriving);

    /// <summary>Refuses new requests, runs every queued one, and returns when all slots are idle.</summary>
    public async ValueTask DisposeAsync()
    {
        bool closing;
        lock (_gate)
        {
            closing = !_closed;
            _closed = true;
            if (_freeSlots == _slotCount)
            {
                _drained.TrySetResult();
            }
        }

        await _drained.Task;
        if (closing)
        {
            ExecutionThreads.Release(_slotCount);
        }
    }

    // The slot stays taken when work is queued: a pool thread runs the queued batches with it, so the
    // caller that freed it (a request whose own result is ready) is not held up.
    private void ReleaseSlot()
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                _freeSlots++;
                if (_closed && _freeSlots == _slotCount)
                {
                    _drained.TrySetResult();
                }

                return;
            }
        }

        ThreadPool.UnsafeQueueUserWorkItem(static s => _ = s.DrainQueueAsync(), this, preferLocal: false);
    }

    /// <summary>Holding one slot, runs queued batches until the queue is empty, then frees the slot.</summary>
    private async Task DrainQueueAsync()
    {
        while (true)
        {
            List<QueuedRequest> batch;
            int rows;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _freeSlots++;
                    if (_closed && _freeSlots == _slotCount)
                    {
                        _drained.TrySetResult();
                    }

                    return;
                }

                var first = _pending[0];
                _pending.RemoveAt(0);
                batch = [first];
                rows = first.Rows;
                if (first.Key is not null)
                {
                    rows = TakeCompatible(batch, rows);
                }
            }

            if (batch[0].Key is not null && rows < _options.MaxBatchSize && _options.MaxQueueDelay > TimeSpan.Zero)
            {
                await WaitForMoreAsync(batch, rows);
            }

            ExecuteGuarded(batch);
        }
    }

    // Whatever goes wrong outside the model run (e.g. memory for stacking), every request of the batch
    // gets an answer and the slot goes on serving.
    private void ExecuteGuarded(List<QueuedRequest> batch)
    {
        try
        {
            Execute(batch);
        }
        catch (Exception ex)
        {
            foreach (var item in batch)
            {
                item.Completion.TrySetException(Translate(ex));
            }
        }
    }

    /// <summary>Adds queued requests that can share the batch of batch[0], oldest first; caller holds _gate.</summary>
    private int TakeCompatible(List<QueuedRequest> batch, int rows)
    {
        var first = batch[0];
        for (var i = 0; i < _pending.Count && rows < _options.MaxBatchSize; i++)
        {
            var candidate = _pending[i];
            if (candidate.Key == first.Key && rows + candidate.Rows <= _options.MaxBatchSize)
            {
                rows += candidate.Rows;
                batch.Add(candidate);
                _pending.RemoveAt(i--);
            }
        }

        return rows;
    }

    // Only reached with every slot busy when the batch's requests arrived; the slot held here waits at
    // most until the oldest request has spent the max queue delay in the queue.
    private async Task WaitForMoreAsync(List<QueuedRequest> batch, int rows)
    {
        var deadline = batch[0].EnqueuedAt + (long)(_options.MaxQueueDelay.TotalSeconds * _time.TimestampFrequency);
        while (rows < _options.MaxBatchSize)
        {
            if (Volatile.Read(ref _arriving) <= 0)
            {
                return;
            }

            var remaining = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            Task arrival;
            lock (_gate)
            {
                arrival = _arrival.Task;
            }

            using var cancel = new CancellationTokenSource();
            var timer = Task.Delay(remaining, _time, cancel.Token);
            if (await Task.WhenAny(arrival, timer) != arrival)
            {
                return;
            }

            await cancel.CancelAsync();
            lock (_gate)
            {
                rows = TakeCompatible(batch, rows);
            }
        }
    }

    private void Execute(List<QueuedRequest> batch)
    {
        var start = _time.GetTimestamp();
        foreach (var item in batch)
        {
            Interlocked.Decrement(ref _queued);
            _metrics.Dequeued(_time.GetElapsedTime(item.EnqueuedAt, start));
        }

        _metrics.Busy.Enter();
        try
        {
            if (batch.Count == 1)
            {
                RunAlone(batch[0]);
                return;
            }

            var names = OutputNames(batch[0].Request);
            var stacked = BatchAssembler.Stack(batch.Select(b => b.Request).ToList());
            List<InferenceTensor>? outputs = null;
            try
            {
                var computeStart = _time.GetTimestamp();
                outputs = _model.Run(stacked, names);
                var split = BatchAssembler.Split(outputs, batch.Select(b => b.Rows).ToList());
                if (split is null)
                {
                    foreach (var item in batch)
                    {
                        RunAlone(item);
                    }

                    return;
                }

                _metrics.Executed(batch.Sum(b => b.Rows), _time.GetElapsedTime(computeStart));
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(split[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var item in batch)
                {
                    item.Completion.TrySetException(Translate(ex));
                }
            }
            finally
            {
                foreach (var t in stacked)
                {
                    t.Dispose();
                }

                foreach (var t in outputs ?? [])
                {
                    t.Dispose();
                }
            }
        }
        finally
        {
            _metrics.Busy.Exit();
        }
    }

    private void RunAlone(QueuedRequest item)
    {
        try
        {
            var computeStart = _time.GetTimestamp();
            var outputs = _model.Run(item.Request.Inputs, OutputNames(item.Request));
            _metrics.Executed(item.Rows, _time.GetElapsedTime(computeStart));
            item.Completion.TrySetResult(outputs);
        }
        catch (Exception ex)
        {
            item.Completion.TrySetException(Translate(ex));
        }
    }

    private static string[] OutputNames(InferRequest request)
    {
        var names = new string[request.Outputs.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = request.Outputs[i].Name;
        }

        return names;
    }

    // ONNX Runtime reports bad tensors (e.g. a shape its kernels reject) as InvalidArgument: the client's fault.
    private static Exception Translate(Exception ex) => ex switch
    {
        OnnxRuntimeException ort when ort.Message.Contains("InvalidArgument", StringComparison.Ordinal)
            || ort.Message.Contains("INVALID_ARGUMENT", StringComparison.Ordinal) => InferenceException.BadRequest(ort.Message),
        InferenceException => ex,
        _ => new InferenceException(500, "inference failed: " + ex.Message),
    };
}
