namespace AiOperator.ControllerRuntime.Reconciliation;

/// <summary>What the host runs: workers for one term of leadership, and a final shutdown.</summary>
public interface IController
{
    string Name { get; }

    /// <summary>Re-enqueues every cached key, runs workers until the token fires, then lets in-flight reconciles finish (bounded).</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>As <see cref="RunAsync(CancellationToken)"/>; abort cancels in-flight reconciles at once, with no grace (leadership lost).</summary>
    Task RunAsync(CancellationToken cancellationToken, CancellationToken abort);

    void ShutDown();
}
