using System.Threading.Channels;
using AiOperator.ModelServer.Metrics;
using AiOperator.ModelServer.Protocol;
using Microsoft.ML.OnnxRuntime;

namespace AiOperator.ModelServer.Batching;

/// <summary>
/// Queues requests for the model. A batch is formed when an execution slot is free: the oldest request
/// plus every compatible one that arrives before it has waited the max queue delay, up to the max batch.
/// </summary>
internal sealed class InferenceScheduler : IAsyncDisposable
{
    private readonly IModelRunner _model;
    private readonly SchedulerOptions _options;
    private readonly ServerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly Channel<QueuedRequest> _queue = Channel.CreateUnbounded<QueuedRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<QueuedRequest> _carried = [];
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _queued;

    public InferenceScheduler(IModelRunner model, SchedulerOptions options, ServerMetrics metrics, TimeProvider time)
    {
        _model = model;
        _options = options;
        _metrics = metrics;
        _time = time;
        _slots = new SemaphoreSlim(Math.Max(1, options.Instances));
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Runs the request (alone or in a batch); outputs come back in the order the request asked for them.</summary>
    public Task<List<InferenceTensor>> InferAsync(InferRequest request)
    {
        if (Interlocked.Increment(ref _queued) > _options.MaxQueueSize)
        {
            Interlocked.Decrement(ref _queued);
            throw new InferenceException(503, $"the request queue is full ({_options.MaxQueueSize} pending); retry later");
        }

        var item = new QueuedRequest(request, _options.Batching ? BatchAssembler.Key(request) : null, BatchAssembler.Rows(request), _time.GetTimestamp());
        _metrics.Enqueued();
        if (!_queue.Writer.TryWrite(item))
        {
            Interlocked.Decrement(ref _queued);
            _metrics.Dequeued(TimeSpan.Zero);
            throw new InferenceException(503, "the server is shutting down");
        }

        return item.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop;
        }
        finally
        {
            for (var i = 0; i < Math.Max(1, _options.Instances); i++)
            {
                await _slots.WaitAsync();
            }

            _stop.Dispose();
            _slots.Dispose();
        }
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        while (true)
        {
            QueuedRequest first;
            if (_carried.Count > 0)
            {
                first = _carried[0];
                _carried.RemoveAt(0);
            }
            else if (!reader.TryRead(out first!))
            {
                if (!await reader.WaitToReadAsync())
                {
                    return;
                }

                continue;
            }

            await _slots.WaitAsync();
            var batch = new List<QueuedRequest> { first };
            if (first.Key is not null && first.Rows < _options.MaxBatchSize)
            {
                await GatherAsync(first, batch, reader);
            }

            _ = Task.Run(() => Execute(batch));
        }
    }

    private async Task GatherAsync(QueuedRequest first, List<QueuedRequest> batch, ChannelReader<QueuedRequest> reader)
    {
        var rows = first.Rows;
        for (var i = 0; i < _carried.Count && rows < _options.MaxBatchSize; i++)
        {
            if (Fits(first, _carried[i], rows))
            {
                rows += _carried[i].Rows;
                batch.Add(_carried[i]);
                _carried.RemoveAt(i--);
            }
        }

        var deadline = first.EnqueuedAt + (long)(_options.MaxQueueDelay.TotalSeconds * _time.TimestampFrequency);
        while (rows < _options.MaxBatchSize)
        {
            if (reader.TryRead(out var next))
            {
                if (Fits(first, next, rows))
                {
                    rows += next.Rows;
                    batch.Add(next);
                }
                else
                {
                    _carried.Add(next);
                }

                continue;
            }

            var remaining = _time.GetElapsedTime(_time.GetTimestamp(), deadline);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            using var timeout = new CancellationTokenSource(remaining, _time);
            try
            {
                if (!await reader.WaitToReadAsync(timeout.Token))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private bool Fits(QueuedRequest first, QueuedRequest candidate, int rows) =>
        candidate.Key == first.Key && rows + candidate.Rows <= _options.MaxBatchSize;

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

            var names = batch[0].Request.Outputs.Select(o => o.Name).ToList();
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
            _slots.Release();
        }
    }

    private void RunAlone(QueuedRequest item)
    {
        try
        {
            var computeStart = _time.GetTimestamp();
            var outputs = _model.Run(item.Request.Inputs, item.Request.Outputs.Select(o => o.Name).ToList());
            _metrics.Executed(item.Rows, _time.GetElapsedTime(computeStart));
            item.Completion.TrySetResult(outputs);
        }
        catch (Exception ex)
        {
            item.Completion.TrySetException(Translate(ex));
        }
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
