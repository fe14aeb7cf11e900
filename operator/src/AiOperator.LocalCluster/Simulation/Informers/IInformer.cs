namespace AiOperator.LocalCluster.Simulation.Informers;

internal interface IInformer
{
    string Resource { get; }

    Task Synced { get; }

    void Subscribe(Action onChange);

    Task RunAsync(CancellationToken ct);
}
