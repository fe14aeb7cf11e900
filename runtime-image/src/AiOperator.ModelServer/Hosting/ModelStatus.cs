namespace AiOperator.ModelServer.Hosting;

/// <summary>Where the single served model is in its life.</summary>
internal enum ModelStatus
{
    Loading,
    Ready,
    Failed,
}
