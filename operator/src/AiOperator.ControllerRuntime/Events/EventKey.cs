namespace AiOperator.ControllerRuntime.Events;

/// <summary>What makes two events "the same" for aggregation: same object, type, reason and message.</summary>
public sealed record EventKey(string ObjectUid, string Namespace, string ObjectName, string Type, string Reason, string Message);
