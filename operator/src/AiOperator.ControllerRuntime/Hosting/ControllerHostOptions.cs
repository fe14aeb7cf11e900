using System.Net;
using AiOperator.ControllerRuntime.LeaderElection;

namespace AiOperator.ControllerRuntime.Hosting;

/// <summary>Probe/metrics endpoint, watched namespaces, leader election and shutdown grace of the operator process.</summary>
public sealed record ControllerHostOptions
{
    /// <summary>Serves /healthz, /readyz and /metrics; null runs no HTTP server, 0 picks a free port.</summary>
    public int? ProbePort { get; init; } = 8081;

    public IPAddress ProbeAddress { get; init; } = IPAddress.Any;

    /// <summary>Default namespaces for informers; null or empty watches all namespaces.</summary>
    public IReadOnlyList<string>? Namespaces { get; init; }

    /// <summary>Null runs without leader election (a single replica).</summary>
    public LeaderElectionOptions? LeaderElection { get; init; }

    /// <summary>Name written as the source of Events.</summary>
    public string Component { get; init; } = "aioperator";

    /// <summary>Field manager for server-side apply.</summary>
    public string FieldManager { get; init; } = "aioperator";
}
