namespace AiOperator.Operator.Monitoring;

/// <summary>Load failures the scraper read from pods' own metrics, for the status projection (ModelLoaded=False at once).</summary>
public interface IModelLoadFailures
{
    IReadOnlyList<ModelLoadFailure> For(string @namespace, string modelDeployment);
}
