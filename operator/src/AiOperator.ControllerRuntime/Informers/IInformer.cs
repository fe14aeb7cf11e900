using AiOperator.ControllerRuntime.Client;

namespace AiOperator.ControllerRuntime.Informers;

/// <summary>What the host needs from any informer: run it, know it has synced, know its loops are alive.</summary>
public interface IInformer
{
    ResourceKind Kind { get; }

    bool HasSynced { get; }

    /// <summary>Last time a loop did anything (event, bookmark, list, reconnect attempt).</summary>
    DateTimeOffset LastProgress { get; }

    /// <summary>False when a loop has died or made no progress for twice the idle timeout.</summary>
    bool IsAlive(DateTimeOffset now);

    Task WaitForSyncAsync(CancellationToken cancellationToken);

    Task RunAsync(CancellationToken cancellationToken);
}
