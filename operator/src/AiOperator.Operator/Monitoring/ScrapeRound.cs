using AiOperator.ControllerRuntime.Informers;

namespace AiOperator.Operator.Monitoring;

/// <summary>What one pass over the model pods did; <see cref="LoadFailuresChanged"/> are the ModelDeployments to look again now.</summary>
internal sealed record ScrapeRound(int Scraped, int Failed, IReadOnlySet<ObjectKey> LoadFailuresChanged);
