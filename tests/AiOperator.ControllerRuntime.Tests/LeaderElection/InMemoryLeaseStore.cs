using AiOperator.ControllerRuntime.LeaderElection;

namespace AiOperator.ControllerRuntime.Tests.LeaderElection;

// A lease with the API server's optimistic concurrency: every write bumps the resourceVersion,
// a write carrying an old one loses. HoldWrites parks writes to stage races.
internal sealed class InMemoryLeaseStore : ILeaseStore
{
    private readonly Lock _lock = new();
    private readonly List<TaskCompletionSource> _held = [];
    private int _version;

    public LeaseRecord? Current { get; private set; }

    public bool HoldWrites { get; set; }

    public Task<LeaseRecord?> GetAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(Current);
        }
    }

    public async Task<LeaseRecord?> TryCreateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        await MaybeHold();
        lock (_lock)
        {
            if (Current is not null)
            {
                return null;
            }

            Current = record with { ResourceVersion = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            return Current;
        }
    }

    public async Task<LeaseRecord?> TryUpdateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        await MaybeHold();
        lock (_lock)
        {
            if (Current is null || Current.ResourceVersion != record.ResourceVersion)
            {
                return null;
            }

            Current = record with { ResourceVersion = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            return Current;
        }
    }

    public void ReleaseHeld()
    {
        lock (_lock)
        {
            foreach (var held in _held)
            {
                held.TrySetResult();
            }

            _held.Clear();
        }
    }

    private Task MaybeHold()
    {
        lock (_lock)
        {
            if (!HoldWrites)
            {
                return Task.CompletedTask;
            }

            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _held.Add(gate);
            return gate.Task;
        }
    }
}
